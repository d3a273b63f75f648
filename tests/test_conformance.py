"""Every render case recorded from real AWS in shared/conformance passes (the floor of
fidelity). The cases live outside the project; without them (a user's clone) this skips."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from apigw_cli.render import render_template
from apigw_cli.samples import request_from_mapping, response_from_mapping
from apigw_cli.vtl.context import Identity
from apigw_cli.vtl.engine import compile_template
from tests.helpers import SHARED

CONFORMANCE = SHARED / "conformance"
RENDER_KINDS = ("render-request", "render-response")


def _render_cases() -> list[Any]:
    if not CONFORMANCE.is_dir():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"{CONFORMANCE} is absent"), id="absent")]
    cases = []
    for file in sorted(CONFORMANCE.rglob("*.yaml")):
        for case in yaml.safe_load(file.read_text(encoding="utf-8")):
            if case.get("kind") in RENDER_KINDS:
                cases.append(pytest.param(file, case, id=case["id"]))
    return cases


@pytest.mark.parametrize(("file", "case"), _render_cases())
def test_recorded_render_case(file: Path, case: dict[str, Any]) -> None:
    request = request_from_mapping(case.get("request"), str(file))
    response = response_from_mapping(case["response"], str(file)) if case["kind"] == "render-response" else None
    template = compile_template(case["template"], case["id"])
    output = render_template(template, request, response=response, identity=Identity.deterministic()).output
    expect = case["expect"]
    if "body" in expect:
        assert output == expect["body"]
    if "json" in expect:
        assert json.loads(output) == expect["json"]
    if "bodyPattern" in expect:
        assert re.fullmatch(expect["bodyPattern"], output, re.S), output


def test_all_recorded_render_cases_are_collected() -> None:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"{CONFORMANCE} is absent")
    assert len(_render_cases()) >= 225
