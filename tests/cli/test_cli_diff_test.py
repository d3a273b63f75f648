"""``apigw diff``, ``apigw test`` and ``apigw templates`` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cli.cli import app
from apigw_cli.errors import ExitStatus
from tests.helpers import ROOT


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_diff_equal_is_silent_and_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    template = write(tmp_path, "t.vtl", '{"b": 2, "a": "$input.params(\'a\')"}')
    expected = write(tmp_path, "e.json", '{\n  "a": "1",\n  "b": 2\n}\n')
    result = runner.invoke(app, ["diff", template, "--expected", expected, "-q", "a=1"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_diff_reports_json_paths_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    template = write(tmp_path, "t.vtl", '{"items": [{"price": 12}], "id": 1}')
    expected = write(tmp_path, "e.json", '{"items": [{"price": 10}], "id": 1, "name": "x"}')
    result = runner.invoke(app, ["diff", template, "--expected", expected])
    assert result.exit_code == ExitStatus.DIFFERENT
    assert result.stdout == '$.items[0].price: 10 -> 12\n$.name: removed "x"\n'
    assert result.stderr == ""  # as diff(1): the differences are the message


def test_diff_json_document(runner: CliRunner, tmp_path: Path) -> None:
    template = write(tmp_path, "t.vtl", "a\nb\n")
    expected = write(tmp_path, "e.txt", "a\nc\n")
    result = runner.invoke(app, ["diff", template, "--expected", expected, "--json"])
    document = json.loads(result.stdout)
    assert (result.exit_code, document["format"], document["equal"]) == (1, "text", False)
    assert "-c\n+b\n" in document["unified"]


def test_diff_against_another_template(runner: CliRunner, samples_dir: Path, tmp_path: Path) -> None:
    old = write(tmp_path, "old.vtl", '{"name": "$input.path(\'$.name\')"}')
    new = write(tmp_path, "new.vtl", '#set($n = $input.path(\'$.name\'))\n{ "name" : "$n" }')
    request = str(samples_dir / "create-pet.json")
    assert runner.invoke(app, ["diff", new, "--against", old, "--request", request]).exit_code == 0
    changed = write(tmp_path, "changed.vtl", '{"name": "$input.path(\'$.species\')"}')
    result = runner.invoke(app, ["diff", changed, "--against", old, "--request", request])
    assert (result.exit_code, result.stdout) == (1, '$.name: "Rex O\'Malley" -> "Dog"\n')


def test_diff_xml_by_canonical_form(runner: CliRunner, templates_dir: Path, samples_dir: Path, tmp_path: Path) -> None:
    template = str(templates_dir / "json-to-soap.vtl")
    request = str(samples_dir / "create-order.json")
    rendered = runner.invoke(app, ["render", template, "--request", request, "--deterministic"]).stdout
    reordered = rendered.replace('xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ord="urn:example:orders"',
                                 'xmlns:ord="urn:example:orders" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"')  # fmt: skip
    expected = write(tmp_path, "expected.xml", reordered.replace("\n      ", "\n"))
    args = ["diff", template, "--request", request, "--deterministic", "--expected", expected]
    assert runner.invoke(app, args).exit_code == 0
    write(tmp_path, "expected.xml", reordered.replace("<ord:quantity>2<", "<ord:quantity>3<"))
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert (
        result.stdout
        == '/soap:Envelope/soap:Body[1]/ord:CreateOrder[1]/ord:line[1]/ord:quantity[1]/text(): "3" -> "2"\n'
    )


def test_diff_needs_exactly_one_reference(runner: CliRunner, tmp_path: Path) -> None:
    template = write(tmp_path, "t.vtl", "x")
    for args in (["diff", template], ["diff", template, "--expected", template, "--against", template]):
        result = runner.invoke(app, args)
        assert (result.exit_code, result.stderr) == (
            2,
            "apigw: error: give --expected FILE or --against OTHER_TEMPLATE (one of them)\n",
        )


CASES = """\
- id: ok
  kind: render-request
  template: '{"a": 1}'
  expect: {json: {a: 1}}
- id: wrong
  kind: render-request
  template: '{"a": 2}'
  expect:
    body: '{"a": 1}'
- id: later
  kind: invoke
  integration: {type: http, uri: 'https://backend.example/'}
  expect: {status: 200}
  skip: the backend is not written yet
"""


def test_test_reports_failures_and_a_summary(runner: CliRunner, tmp_path: Path) -> None:
    write(tmp_path, "cases.yaml", CASES)
    result = runner.invoke(app, ["test", str(tmp_path)])
    assert result.exit_code == ExitStatus.DIFFERENT
    assert result.stdout == (
        f"FAILED wrong ({tmp_path / 'cases.yaml'}:5)\n"
        "  the output differs from expect.body\n"
        "  $.a: 1 -> 2\n"
        "  --- expected\n"
        "  +++ actual\n"
        "  @@ -1 +1 @@\n"
        '  -{"a": 1}\n'
        "  \\ No newline at end of file\n"
        '  +{"a": 2}\n'
        "  \\ No newline at end of file\n"
        "1 passed, 1 failed, 1 skipped\n"
    )
    assert result.stderr == ""


def test_test_selection_json_and_junit(runner: CliRunner, tmp_path: Path) -> None:
    write(tmp_path, "cases.yaml", CASES)
    junit = tmp_path / "report.xml"
    result = runner.invoke(app, ["test", str(tmp_path), "-k", "not wrong", "--json", "--junit", str(junit)])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["summary"] == {"passed": 1, "failed": 0, "skipped": 1}
    assert [case["id"] for case in document["cases"]] == ["ok", "later"]
    assert ElementTree.parse(junit).getroot().get("tests") == "2"


def test_test_update_writes_the_actual_output(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "cases.yaml", CASES)
    result = runner.invoke(app, ["test", str(tmp_path), "--update"])
    assert result.exit_code == 0
    assert f"updated {path}\n" in result.stdout
    assert runner.invoke(app, ["test", str(tmp_path)]).exit_code == 0
    assert '    body: "{\\"a\\": 2}"\n' in Path(path).read_text(encoding="utf-8")


def test_test_refuses_malformed_case_files(runner: CliRunner, tmp_path: Path) -> None:
    write(
        tmp_path, "cases.yaml", "- {id: a, kind: render-request, template: x, templateFile: y.vtl, expect: {body: x}}\n"
    )
    result = runner.invoke(app, ["test", str(tmp_path)])
    assert result.exit_code == ExitStatus.INPUT
    assert result.stderr == (
        f"apigw: error: {tmp_path / 'cases.yaml'}:1: case 'a': 'template' and 'templateFile' are mutually exclusive\n"
    )
    assert runner.invoke(app, ["test", str(tmp_path / "nowhere")]).exit_code == ExitStatus.INPUT


def test_the_starter_library_passes(runner: CliRunner, templates_dir: Path) -> None:
    result = runner.invoke(app, ["test", str(templates_dir)])
    assert result.exit_code == 0, result.stdout
    passed = int(result.stdout.rsplit("\n", 2)[-2].split()[0])
    assert passed >= 20


def test_every_starter_template_has_cases_and_a_summary(runner: CliRunner, templates_dir: Path) -> None:
    templates = sorted(templates_dir.glob("*.vtl"), key=lambda path: path.stem)
    assert len(templates) >= 12
    for template in templates:
        case_file = template.with_suffix(".yaml")
        assert case_file.is_file(), f"{template.name} has no case file"
        assert f"templateFile: {template.name}" in case_file.read_text(encoding="utf-8")
    listing = runner.invoke(app, ["templates"]).stdout.splitlines()
    assert [line.split()[0] for line in listing] == [template.stem for template in templates]
    assert all(len(line.split(None, 1)) == 2 for line in listing)


def test_templates_show_prints_one_exactly(runner: CliRunner, templates_dir: Path) -> None:
    result = runner.invoke(app, ["templates", "show", "sqs-sendmessage"])
    assert (result.exit_code, result.stdout) == (0, (templates_dir / "sqs-sendmessage.vtl").read_text(encoding="utf-8"))
    missing = runner.invoke(app, ["templates", "show", "nope"])
    assert missing.exit_code == ExitStatus.INPUT
    assert missing.stderr.startswith("apigw: error: no starter template named 'nope'\nhint: the templates are: ")


def read_until(process: subprocess.Popen[str], text: str, timeout: float = 20.0) -> str:
    """stdout of ``process`` up to and including the first line that contains ``text``."""
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"{text!r} not seen in {seen!r}")


@pytest.mark.parametrize("command", ["render", "test"])
def test_watch_runs_again_when_a_file_changes(tmp_path: Path, command: str) -> None:
    template = tmp_path / "t.vtl"
    template.write_text("first\n", encoding="utf-8")
    write(tmp_path, "cases.yaml", '- {id: a, kind: render-request, templateFile: t.vtl, expect: {body: "second\\n"}}\n')
    args = [str(template)] if command == "render" else [str(tmp_path)]
    process = subprocess.Popen(
        [sys.executable, "-m", "apigw_cli", command, *args, "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        read_until(process, "first" if command == "render" else "0 passed, 1 failed")
        time.sleep(0.5)
        template.write_text("second\n", encoding="utf-8")
        read_until(process, "second" if command == "render" else "1 passed, 0 failed")
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_no_cases_is_not_a_success(runner: CliRunner, tmp_path: Path) -> None:
    empty = runner.invoke(app, ["test", str(tmp_path)])
    assert (empty.exit_code, empty.stderr) == (1, f"apigw: error: no cases to run under {tmp_path}\n")
    write(tmp_path, "cases.yaml", CASES)
    unmatched = runner.invoke(app, ["test", str(tmp_path), "-k", "nothing"])
    assert unmatched.exit_code == 1 and "matching -k 'nothing'" in unmatched.stderr
    assert runner.invoke(app, ["test", str(tmp_path), "-k", "OK"]).exit_code == 0  # ignoring case, as pytest
    broken = runner.invoke(app, ["test", str(tmp_path), "-k", "(ok"])
    assert (broken.exit_code, broken.stderr) == (2, "apigw: error: -k '(ok': the expression ends too early\n")


def test_update_exits_1_when_a_failure_cannot_be_rewritten(runner: CliRunner, tmp_path: Path) -> None:
    write(
        tmp_path,
        "cases.yaml",
        CASES + "- {id: status, kind: render-response, template: x, response: {status: 500}, expect: {status: 200}}\n",
    )
    result = runner.invoke(app, ["test", str(tmp_path), "--update"])
    assert result.exit_code == 1
    assert result.stdout.endswith("2 passed, 1 failed, 1 skipped\n")  # wrong was rewritten; status was not
    assert "FAILED status" in result.stdout


def test_junit_makes_its_folder_and_holds_any_output(runner: CliRunner, tmp_path: Path) -> None:
    write(tmp_path, "cases.yaml", '- {id: esc, kind: render-request, template: "a\\eb", expect: {body: ab}}\n')
    report = tmp_path / "build" / "reports" / "junit.xml"
    assert runner.invoke(app, ["test", str(tmp_path), "--junit", str(report)]).exit_code == 1
    failure = ElementTree.parse(report).getroot().find("testsuite/testcase/failure")
    assert failure is not None and "a\\u001bb" in (failure.text or "")


def test_diff_of_odd_documents(runner: CliRunner, tmp_path: Path) -> None:
    nan = write(tmp_path, "nan.json", '{"a": NaN}')
    same = runner.invoke(app, ["diff", write(tmp_path, "t.vtl", '{"a": NaN}'), "--expected", nan, "--json"])
    assert same.exit_code == 0 and json.loads(same.stdout)["format"] == "text"  # NaN is not JSON
    deep = "[" * 5000 + "]" * 5000
    result = runner.invoke(app, ["diff", write(tmp_path, "d.vtl", deep), "--expected", write(tmp_path, "d.json", "[]")])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    both = runner.invoke(app, ["diff", "-", "--expected", "-"], input="x")
    assert (
        both.stderr == "apigw: error: TEMPLATE and --expected cannot share standard input; give files for all but one\n"
    )


def test_a_json_expectation_with_yaml_only_values_fails_cleanly(runner: CliRunner, tmp_path: Path) -> None:
    write(
        tmp_path,
        "cases.yaml",
        '- {id: d, kind: render-request, template: \'{"d": "2024-01-01"}\', expect: {json: {d: 2024-01-01}}}\n',
    )
    result = runner.invoke(app, ["test", str(tmp_path)])
    assert result.exit_code == 1 and "FAILED d" in result.stdout and "Traceback" not in result.stderr
