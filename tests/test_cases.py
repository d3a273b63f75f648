"""Case files (shared/spec/case-format.md §2): found, read strictly, and rewritten by --update."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from apigw_cli.cases import find_case_files, load_case_file, update_expectations
from apigw_cli.documents import iter_json_array, parse_json
from apigw_cli.errors import InputError
from apigw_cli.runner import run_case
from tests.helpers import ROOT

CASES = """\
# A comment before the cases
- id: first
  kind: render-request
  template: '{"n": "$input.params(''n'')"}'
  request: {query: {n: "1"}}
  expect:
    json: {n: "1"}
- id: second
  kind: render-response
  templateFile: t.vtl
  response: {status: 404, json: {a: 1}}
  expect:
    status: 404
    body: old
    bodyPattern: '.*'
  source: a note
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_case_file_reads_with_lines(tmp_path: Path) -> None:
    write(tmp_path, "t.vtl", "$input.body")
    case_file = load_case_file(write(tmp_path, "cases.yaml", CASES))
    assert case_file is not None
    first, second = case_file.cases
    assert (first.id, first.kind, first.line, first.request.query) == ("first", "render-request", 2, {"n": ["1"]})
    assert first.expect.json == {"n": "1"} and first.expect.has_json
    assert (second.template_source, second.template_name, second.line) == ("$input.body", str(tmp_path / "t.vtl"), 8)
    assert second.response is not None and second.response.status == 404
    assert (second.expect.status, second.expect.body, second.expect.body_pattern) == (404, "old", ".*")
    assert second.inputs == [tmp_path / "t.vtl"]


def test_other_yaml_and_json_files_are_not_case_files(tmp_path: Path) -> None:
    assert load_case_file(ROOT / "samples" / "create-pet.json") is None
    assert load_case_file(write(tmp_path, "template.yaml", "Resources:\n  Api: !Ref Thing\n")) is None
    assert load_case_file(write(tmp_path, "list.yaml", "- 1\n- 2\n")) is None
    write(tmp_path, "venv/lib/cases.yaml", CASES)
    write(tmp_path, "node_modules/x/cases.yaml", CASES)
    assert find_case_files([str(tmp_path)]) == sorted(tmp_path.glob("*.yaml"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- {id: a, kind: render-request, template: x, expect: {body: x}, tmplate: y}",
            "cases.yaml:1: case 'a': unknown key 'tmplate'",
        ),
        (
            "- {id: a, kind: render-request, template: x, templateFile: t.vtl, expect: {body: x}}",
            "case 'a': 'template' and 'templateFile' are mutually exclusive",
        ),
        (
            "- {id: a, kind: render-request, templateFile: missing.vtl, expect: {body: x}}",
            "case 'a': key 'templateFile': no such template file",
        ),
        ("- {id: a, kind: render, template: x, expect: {body: x}}", "case 'a': key 'kind': expected one of"),
        ("- {id: a, kind: render-request, template: x}", "case 'a': key 'expect': every case needs an expectation"),
        ("- {id: a, kind: render-request, template: x, expect: {bdy: x}}", "case 'a': key 'expect.bdy': unknown key"),
        (
            "- {id: a, kind: render-request, template: x, expect: {status: '200'}}",
            "key 'expect.status': expected an HTTP status",
        ),
        (
            "- {id: a, kind: render-request, template: x, expect: {bodyPattern: '('}}",
            "key 'expect.bodyPattern': invalid regular",
        ),
        (
            "- {id: a, kind: render-request, expect: {body: x}}",
            "a render-request case needs 'template' or 'templateFile'",
        ),
        ("- {id: a, kind: render-response, template: x, expect: {body: x}}", "needs 'response' or 'responseFile'"),
        (
            "- {id: a, kind: invoke, expect: {status: 200}}",
            "an invoke case needs 'integration', 'integrationFile' or 'definition'",
        ),
        (
            "- {id: a, kind: invoke, integration: {type: mock}, integrationFile: i.yaml, expect: {status: 200}}",
            "'integration' and 'integrationFile' are mutually exclusive",
        ),
        ("- {id: a, kind: invoke, integrationFile: none.yaml, expect: {status: 200}}", "no such integration file"),
        ("- {id: a, kind: invoke, integration: {type: lambda}, expect: {status: 200}}", "integration: key 'type'"),
        (
            "- {id: a, kind: invoke, integration: {type: aws_proxy}, handler: gone.py:h, expect: {status: 200}}",
            "gone.py: no such handler file",
        ),
        (
            "- {id: a, kind: invoke, integration: {type: aws_proxy}, handler: gone, expect: {status: 200}}",
            "key 'handler': invalid handler 'gone'",
        ),
        (
            "- {id: a, kind: render-request, template: x, request: {methd: GET}, expect: {body: x}}",
            "case 'a': request: unknown key 'methd'",
        ),
        (
            "- {id: a, kind: render-request, template: x, expect: {body: x}}\n- {id: a, kind: render-request, template: y, expect: {body: y}}",
            "cases.yaml:2: case 'a': the id is used twice",
        ),
        ("- {kind: render-request, template: x, expect: {body: x}}", "case 1: key 'id': every case needs an id"),
        ("id: a\nkind: render-request\n", "a case file holds a list of cases"),
        ("- id: a\n  kind: [unclosed\n", "cases.yaml:3:1: invalid YAML"),
    ],
)
def test_malformed_case_files_name_the_file_the_case_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "t.vtl", "x")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace("'", "'")) as caught:
        load_case_file(write(tmp_path, "cases.yaml", text))
    assert str(caught.value).startswith(str(tmp_path / "cases.yaml"))


def test_update_rewrites_only_the_expected_values(tmp_path: Path) -> None:
    write(tmp_path, "t.vtl", "x")
    path = write(tmp_path, "cases.yaml", CASES)
    case_file = load_case_file(path)
    assert case_file is not None
    assert update_expectations(case_file, {"first": '{"n": "2"}', "second": "line one\nline two\n"})
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A comment before the cases\n")
    assert "bodyPattern: '.*'" in text and "source: a note" in text
    data = yaml.safe_load(text)
    assert data[0]["expect"] == {"json": {"n": "2"}}
    assert data[1]["expect"]["body"] == "line one\nline two\n"
    assert "    body: |\n      line one\n      line two\n" in text  # multi-line text as a literal block


def test_update_of_json_case_files(tmp_path: Path) -> None:
    cases = [{"id": "a", "kind": "render-request", "template": "x", "expect": {"body": "old"}}]
    path = write(tmp_path, "cases.json", json.dumps(cases))
    case_file = load_case_file(path)
    assert case_file is not None
    assert update_expectations(case_file, {"a": "new"})
    assert json.loads(path.read_text(encoding="utf-8"))[0]["expect"] == {"body": "new"}
    assert not update_expectations(load_case_file(path), {"a": "new"})  # type: ignore[arg-type]


def updated(tmp_path: Path, text: str, outputs: dict[str, str]) -> str:
    path = tmp_path / "cases.yaml"
    path.write_bytes(text.encode("utf-8"))
    case_file = load_case_file(path)
    assert case_file is not None
    update_expectations(case_file, outputs)
    result = path.read_bytes().decode("utf-8")
    load_case_file(path)  # still a valid case file
    return result


BLOCK_JSON = """\
- id: a
  kind: render-request
  template: x
  expect:
    json:
      v: 1
    # group comment
    status: 200
  notes: kept
"""


def test_update_keeps_keys_and_comments_after_a_block_value(tmp_path: Path) -> None:
    text = updated(tmp_path, BLOCK_JSON, {"a": '{"v": 2}'})
    assert text == BLOCK_JSON.replace("v: 1", '{"v": 2}')


def test_update_never_turns_a_comment_into_content(tmp_path: Path) -> None:
    text = updated(tmp_path, "- {id: a, kind: render-request, template: x, expect: {body: y}}\n", {"a": "1\n2\n"})
    assert yaml.safe_load(text)[0]["expect"]["body"] == "1\n2\n"
    block = "- id: a\n  kind: render-request\n  template: x\n  expect:\n    body: old  # note\n"
    text = updated(tmp_path, block, {"a": "1\n2\n"})
    assert text.endswith("  # note\n") and yaml.safe_load(text)[0]["expect"]["body"] == "1\n2\n"


def test_update_leaves_values_reached_through_aliases_alone(tmp_path: Path) -> None:
    text = (
        "- id: a\n  kind: render-request\n  template: x\n  request: {body: &b old}\n  expect: {body: *b}\n"
        "- id: b\n  kind: render-request\n  template: y\n  expect: &shared {body: z}\n"
        "- id: c\n  kind: render-request\n  template: w\n  expect: *shared\n"
    )
    result = updated(tmp_path, text, {"a": "new-a", "b": "new-b", "c": "new-c"})
    data = yaml.safe_load(result)
    assert data[0]["request"]["body"] == "old"  # the anchor's own value is not case a's expectation
    assert data[1]["expect"]["body"] == "new-b" and "&shared" in result


@pytest.mark.parametrize(
    "output",
    [
        '{"n": 1e+300, "m": 1e-07}',
        "a\x7fb\nc\n",
        "a\x85b\nc\n",
        "\n  indented\nx\n",
        "tab\tand  \nspaces \n",
        "é😀\n\nx",
    ],
)
def test_update_writes_values_that_read_back_exactly(tmp_path: Path, output: str) -> None:
    key = "json" if output.startswith("{") else "body"
    text = updated(
        tmp_path, f"- id: a\n  kind: render-request\n  template: x\n  expect:\n    {key}: old\n", {"a": output}
    )
    expected = json.loads(output) if key == "json" else output
    assert yaml.safe_load(text)[0]["expect"][key] == expected


def test_update_keeps_crlf_line_endings(tmp_path: Path) -> None:
    text = updated(
        tmp_path,
        "- id: a\r\n  kind: render-request\r\n  template: x\r\n  expect:\r\n    body: old\r\n",
        {"a": "1\n2\n"},
    )
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ctrl.yaml", "- id: a\x01\n  kind: render-request\n", "invalid YAML"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nests too deeply"),
        ("doc.yaml", "---\n- id: a\n  kind: [\n", "invalid YAML"),
    ],
)
def test_unreadable_case_files_are_errors_not_crashes(tmp_path: Path, name: str, content: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_case_file(write(tmp_path, name, content))


def test_a_list_of_records_is_not_a_case_file_but_a_mistyped_case_is(tmp_path: Path) -> None:
    assert load_case_file(write(tmp_path, "fixture.json", '[{"id": "p1", "name": "Rex"}]')) is None
    with pytest.raises(InputError, match="key 'kind'"):
        load_case_file(write(tmp_path, "cases.yaml", "- {id: a, kind: render, template: x, expect: {body: x}}\n"))
    with pytest.raises(InputError, match="case 2: expected a mapping"):
        load_case_file(
            write(tmp_path, "cases.yaml", "- {id: a, kind: render-request, template: x, expect: {body: x}}\n- oops\n")
        )


API_TEMPLATE = ROOT / "samples" / "api" / "template.yaml"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("{id: a, kind: invoke, definition: nope.yaml, route: GET /x}", "key 'definition': no such definition"),
        ("{id: a, kind: invoke, definition: t.yaml, route: pets}", "key 'route': expected 'METHOD PATH'"),
        ("{id: a, kind: invoke, definition: t.yaml, route: GET /x, api: Nope}", "key 'api': "),
        ("{id: a, kind: invoke, definition: t.yaml, route: GET /x, params: {Nope: 1}}",
         "key 'params': .* has no parameter or resource 'Nope'"),
        ("{id: a, kind: invoke, definition: t.yaml, route: GET /x, params: {StageName: null}}", "key 'params': expected"),
        ("{id: a, kind: invoke, definition: t.yaml, route: GET /x, handler: 5}", "key 'handler': expected"),
        ("{id: a, kind: invoke, definition: t.yaml, route: GET /x, handler: {Typo: t.py:f}}",
         "key 'handler': handler for 'Typo': PetsApi calls no function of that name"),
        ("{id: a, kind: render-request, template: x, definition: t.yaml}", "key 'definition': a definition's route is for invoke"),
        ("{id: a, kind: invoke, integration: {type: mock}, route: GET /x}", "key 'route': 'route', 'api' and 'params' go"),
    ],
)  # fmt: skip
def test_definition_cases_are_checked_when_the_file_is_read(tmp_path: Path, case: str, message: str) -> None:
    (tmp_path / "t.yaml").write_text(
        API_TEMPLATE.read_text(encoding="utf-8").replace("../handlers/", str(ROOT / "samples" / "handlers") + "/")
    )
    (tmp_path / "t.py").write_text("def f(e, c):\n    return 1\n")
    write(tmp_path, "cases.yaml", f"# cases\n- {case}\n")
    with pytest.raises(InputError, match=r"cases\.yaml:2: case 'a': " + message):
        load_case_file(tmp_path / "cases.yaml")


def test_a_cases_own_stage_is_the_one_it_runs_on(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        API_TEMPLATE.read_text(encoding="utf-8").replace("../handlers/", str(ROOT / "samples" / "handlers") + "/")
    )
    write(tmp_path, "cases.yaml",
          "- {id: own, kind: invoke, definition: t.yaml, route: GET /health, request: {stage: test}, expect: {status: 200}}\n"
          "- {id: default, kind: invoke, definition: t.yaml, route: GET /health, expect: {json: {status: ok, stage: prod}}}\n")  # fmt: skip
    case_file = load_case_file(tmp_path / "cases.yaml")
    assert case_file is not None
    own, default = (run_case(case) for case in case_file.cases)
    assert (own.status, default.status) == ("failed", "passed")
    assert "no stage 'test' in the definition (its stages: prod)" in own.message


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        " [ ] ",
        '[1, {"a": [2]}, "x"]',
        "\ufeff[1]",
        "\ufeff[1 2]",
        "[1,]",
        "[1 2]",
        "[1",
        "[1] x",
        "[NaN]",
        "[\n1,\n  tru]",
    ],
)
def test_a_json_array_read_item_by_item_is_the_whole_document(text: str) -> None:
    """The streamed reader of .json case files (issue 12) reads and refuses what the
    whole-document reader does, with the same messages."""

    def outcome(read: Callable[[], Any]) -> Any:
        try:
            return read()
        except InputError as exc:
            return str(exc)

    items = iter_json_array(text, "f.json")
    assert items is not None
    assert outcome(lambda: list(items)) == outcome(lambda: parse_json(text, "f.json"))
    assert iter_json_array('{"a": [1]}', "f.json") is None
