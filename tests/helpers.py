"""Helpers for tests: render real templates against request and response files' content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apigw_cli.render import render_template
from apigw_cli.samples import request_from_mapping, response_from_mapping
from apigw_cli.vtl.context import Identity
from apigw_cli.vtl.engine import compile_template

ROOT = Path(__file__).resolve().parent.parent
#: The shared reference material (spec, AWS-recorded cases); absent in a user's clone.
SHARED = ROOT.parent / "shared"


def render(template: str, request: dict[str, Any] | None = None, response: dict[str, Any] | None = None) -> str:
    """Render ``template`` with deterministic context values; ``request``/``response`` are the
    mappings of a request file and a response file."""
    result = render_template(
        compile_template(template, "test.vtl"),
        request_from_mapping(request or {}, "request"),
        response=response_from_mapping(response, "response") if response is not None else None,
        identity=Identity.deterministic(),
    )
    return result.output


def json_request(body: str, **fields: Any) -> dict[str, Any]:
    """A POST request file with a JSON body."""
    return {"method": "POST", "headers": {"Content-Type": "application/json"}, "body": body, **fields}
