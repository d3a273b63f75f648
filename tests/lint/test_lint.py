"""apigw lint: every rule fires on a template that has the trap and stays quiet on one that
does not; suppression comments; the output formats; the starter library is clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apigw_cli.lint.dynamic import Sample
from apigw_cli.lint.report import LintReport
from apigw_cli.lint.rules import RULES
from apigw_cli.lint.targets import LintOptions, lint_paths
from apigw_cli.samples import request_from_mapping, response_from_mapping
from tests.helpers import ROOT

#: rule → (a template that has the trap, the same done right).
STATIC = {
    "syntax-error": ('{"a": "#if($x)"}', '{"a": "#if($x)y#end"}'),
    "json-in-string": ('{"a": "$input.json(\'$.a\')"}', '{"a": $input.json(\'$.a\')}'),
    "unquoted-text": ('{"id": $input.params(\'id\')}', '{"id": "$input.params(\'id\')"}'),
    "escape-js-quote": ('{"n": "$util.escapeJavaScript($input.path(\'$.n\'))"}',
                        '{"n": "$util.escapeJavaScript($input.path(\'$.n\')).replaceAll("\\\\\'", "\'")"}'),
    "params-null": ("#if($input.params('q') == $null)none#end", "#if($input.params('q') == \"\")none#end"),
    "unknown-member": ('{"id": "$context.requestID"}', '{"id": "$context.requestId"}'),
    "unknown-method": ("#set($n = 'a')$n.upper()", "#set($n = 'a')$n.toUpperCase()"),
    "foreach-input": ("#foreach($i in $input.path('$.items'))$i#end", "#foreach($i in [1, 2])$i#end"),
    "unused-set": ("#set($nmae = 1)$name", "#set($name = 1)$name"),
    "unsupported-directive": ('#parse("other.vtl")', "#set($x = 1)$x"),
}  # fmt: skip


def lint_text(tmp_path: Path, text: str, samples: list[Sample] | None = None, **options: object) -> LintReport:
    path = tmp_path / "t.vtl"
    path.write_text(text, encoding="utf-8")
    return lint_paths([str(path)], LintOptions(samples=samples, **options))  # type: ignore[arg-type]


def rules_of(report: LintReport) -> set[str]:
    return {finding.rule for finding in report.findings}


@pytest.mark.parametrize("rule", sorted(STATIC))
def test_each_static_rule_fires_on_the_trap_and_not_on_the_fix(tmp_path: Path, rule: str) -> None:
    trap, fixed = STATIC[rule]
    assert rule in rules_of(lint_text(tmp_path, trap))
    assert rule not in rules_of(lint_text(tmp_path, fixed))


def sample(body: object = None, response: dict[str, object] | None = None) -> list[Sample]:
    request = request_from_mapping({"method": "POST", "json": body} if body is not None else {}, "request")
    return [Sample(request, response_from_mapping(response, "response") if response else None, "the sample")]


#: rule → (template, sample body, template that does not trigger it).
DYNAMIC = {
    "render-error": ("$input.path('$.a').get(5)", {"a": [1]}, "$input.path('$.a').get(0)"),
    "invalid-output": ('{"a": $input.path(\'$.a\')}', {"a": "text"}, '{"a": "$input.path(\'$.a\')"}'),
    "duplicate-json-key": ('{"a": 1, "a": 2}', {}, '{"a": 1, "b": 2}'),
    "foreach-limit-reached": ("#foreach($i in [1..1001])#end", {}, "#foreach($i in [1..1000])#end"),
    "null-member": ("$input.path('$').nope()", {"a": 1}, "$input.path('$').size()"),
    "foreach-not-iterable": ("#foreach($i in $input.path('$.a'))$i#end", {"a": 5},
                             "#foreach($i in $input.path('$.b'))$i#end"),
    "engine-difference": ("$input.path('$.s').split(',')", {"s": "a,b"}, "$input.path('$.s').split(',').size()"),
}  # fmt: skip


@pytest.mark.parametrize("rule", sorted(DYNAMIC))
def test_each_dynamic_rule_fires_when_the_sample_shows_it(tmp_path: Path, rule: str) -> None:
    trap, body, fixed = DYNAMIC[rule]
    found = lint_text(tmp_path, trap, sample(body))
    assert rule in rules_of(found), found.findings
    assert all(finding.message.endswith("(with the sample)") for finding in found.findings if finding.rule == rule)
    assert rule not in rules_of(lint_text(tmp_path, fixed, sample(body)))


def test_xml_output_is_checked_by_its_content_type(tmp_path: Path) -> None:
    found = lint_text(tmp_path, "<a>$input.path('$.a')</b>", sample({"a": 1}), content_type="application/xml")
    assert rules_of(found) == {"invalid-output"} and "not well-formed XML" in found.findings[0].message


def test_every_rule_has_a_test_both_ways() -> None:
    tested = set(STATIC) | set(DYNAMIC) | {"unreadable"}  # unreadable: its own test below
    from tests.lint.test_check import CHECKS

    assert tested | set(CHECKS) == set(RULES)


def test_findings_name_file_line_and_column(tmp_path: Path) -> None:
    report = lint_text(tmp_path, '{\n  "id": "$context.requestID"\n}')
    (finding,) = report.findings
    assert (finding.source, finding.line, finding.column) == (str(tmp_path / "t.vtl"), 2, 10)


def test_a_comment_silences_one_place_or_a_whole_file(tmp_path: Path) -> None:
    trap = "#set($n = 'a')$n.upper()"
    assert not lint_text(tmp_path, f"## apigw: disable=unknown-method\n{trap}").findings
    assert not lint_text(tmp_path, f"{trap}## apigw: disable=unknown-method").findings
    assert rules_of(lint_text(tmp_path, f"## apigw: disable=unknown-method\n\n{trap}")) == {"unknown-method"}
    assert not lint_text(tmp_path, f"## apigw: disable-file=unknown-method\n\n{trap}\n{trap}").findings


def test_levels_decide_failure(tmp_path: Path) -> None:
    warning = lint_text(tmp_path, STATIC["unused-set"][0])
    assert not warning.failed(strict=False) and warning.failed(strict=True)
    note = lint_text(tmp_path, STATIC["foreach-input"][0])
    assert not note.failed(strict=True)
    assert lint_text(tmp_path, STATIC["json-in-string"][0]).failed(strict=False)


def test_sarif_names_rules_and_places(tmp_path: Path) -> None:
    sarif = lint_text(tmp_path, STATIC["unknown-member"][0]).to_sarif()
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0" and run["tool"]["driver"]["rules"][0]["id"] == "unknown-member"
    (result,) = run["results"]
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 9}
    json.dumps(sarif)


def test_the_starter_library_is_clean_with_its_own_samples() -> None:
    report = lint_paths([str(ROOT / "templates")], LintOptions())
    assert report.templates >= 15 and not report.failed(strict=True), [str(f) for f in report.findings]


def test_definitions_are_linted_template_by_template(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        "swagger: '2.0'\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration:\n        type: mock\n"
        '        requestTemplates: {application/json: \'{"statusCode": 200, "id": "$context.requestID"}\'}\n',
        encoding="utf-8",
    )
    report = lint_paths([str(tmp_path / "api.yaml")], LintOptions())
    (finding,) = report.findings
    assert finding.rule == "unknown-member" and finding.source.endswith("[requestTemplates.application/json]")


def test_an_unreadable_file_is_a_finding_and_the_others_are_still_linted(tmp_path: Path) -> None:
    (tmp_path / "bad.vtl").write_bytes(b"\xff\xfe\x00broken")
    (tmp_path / "good.vtl").write_text('{"id": "$context.requestID"}', encoding="utf-8")
    report = lint_paths([str(tmp_path)], LintOptions())
    assert sorted((finding.rule, Path(finding.source).name) for finding in report.findings) == [
        ("unknown-member", "good.vtl"),
        ("unreadable", "bad.vtl"),
    ]
    (tmp_path / "bad.vtl").unlink()
    assert "unreadable" not in rules_of(lint_paths([str(tmp_path)], LintOptions()))


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("#foreach($a in [1])\n\n\n  #if(\n#end", 4, 3), ("x\n#end", 2, 1), ("a\nb\n  $x.y(#end", 3, 3)],
)
def test_a_syntax_error_is_reported_where_it_is(tmp_path: Path, text: str, line: int, column: int) -> None:
    (finding,) = lint_text(tmp_path, text).findings
    assert (finding.rule, finding.line) == ("syntax-error", line)


@pytest.mark.parametrize(
    "text",
    [
        '{"dir": "C:\\\\", "body": $input.json(\'$\')}',  # a backslash escaped: the string ends
        '{"a": "$input.path(\'$.s\').replace(")", "")", "b": $input.json(\'$\')}',  # a ) inside a string argument
        '#macro(kv $k $v)"$k": "$v"#end\n{#kv("user", $input.params(\'user\'))}',  # macro arguments are code
        '{"price": "\\$5", "raw": "\\$input.json(\'$.a\')"}',  # escaped references are text
        "<Note>by: $context.identity.sourceIp</Note>",  # XML: the JSON rules do not apply
        "#set($ignore = $m.putIfAbsent('a', 1))",  # called for its effect
    ],
)
def test_correct_templates_get_no_finding(tmp_path: Path, text: str) -> None:
    assert lint_text(tmp_path, text).findings == []


def test_a_trailing_disable_comment_covers_its_own_line_only(tmp_path: Path) -> None:
    trap = "#set($n = 'a')$n.upper()"
    report = lint_text(tmp_path, f"{trap}## apigw: disable=unknown-method because reasons\n{trap}")
    assert [(finding.rule, finding.line) for finding in report.findings] == [("unknown-method", 2)]


def test_sarif_of_a_template_inside_a_definition_names_the_file_and_the_key(tmp_path: Path) -> None:
    (tmp_path / "my api.yaml").write_text(
        "swagger: '2.0'\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration:\n        type: mock\n"
        '        requestTemplates: {application/json: \'{"id": "$context.requestID"}\'}\n',
        encoding="utf-8",
    )
    sarif = lint_paths([str(tmp_path / "my api.yaml")], LintOptions()).to_sarif()
    (result,) = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": str(tmp_path / "my%20api.yaml")}}
    assert "[requestTemplates.application/json], template line 1, column 9)" in result["message"]["text"]


def test_deep_nesting_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    assert rules_of(lint_text(tmp_path, "$x.foo(" * 100 + ")" * 100)) == {"syntax-error"}
