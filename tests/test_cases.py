"""Case files (shared/spec/case-format.md §2): found, read strictly, and rewritten by --update."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from apigw_cli.cases import find_case_files, load_case_file, update_expectations
from apigw_cli.errors import InputError
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
        ("- {id: a, kind: invoke, expect: {status: 200}}", "an invoke case needs 'integration'"),
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
