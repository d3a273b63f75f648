"""The starter templates render to their reviewed golden output (tests/golden/render/<case>/).
Regenerate with ``pytest --update-golden`` and review the diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apigw_cli.render import render_template
from apigw_cli.samples import read_request_file, read_response_file
from apigw_cli.vtl.context import Identity
from apigw_cli.vtl.engine import compile_template
from tests.helpers import ROOT

CASES = sorted((ROOT / "tests" / "golden" / "render").glob("*/case.json"))


@pytest.mark.parametrize("case_file", CASES, ids=[case.parent.name for case in CASES])
def test_golden_render(case_file: Path, update_golden: bool) -> None:
    case = json.loads(case_file.read_text(encoding="utf-8"))
    template_path = ROOT / case["template"]
    template = compile_template(template_path.read_text(encoding="utf-8"), case["template"])
    request = read_request_file(str(ROOT / case["request"]))
    response = read_response_file(str(ROOT / case["response"])) if case.get("response") else None
    result = render_template(template, request, response=response, identity=Identity.deterministic())
    expected_file = case_file.parent / "expected.txt"
    if update_golden:
        expected_file.write_text(result.output, encoding="utf-8")
    assert result.output == expected_file.read_text(encoding="utf-8")
    assert result.warnings == []
    json.loads(result.output)  # every starter template produces valid JSON


def test_every_starter_template_has_a_golden_case() -> None:
    covered = {json.loads(case.read_text(encoding="utf-8"))["template"] for case in CASES}
    assert covered == {f"templates/{path.name}" for path in (ROOT / "templates").glob("*.vtl")}
