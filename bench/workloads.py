"""The four templates of the rendering benchmark, their payloads, and the same work done
by airspeed-ext with plain Python objects, the reference the targets are ratios of.

Each render starts from the request's text: a fresh ``$input``/``$util``/``$context``, the
body's JSON parsed again, as API Gateway does for every request.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Workload:
    name: str
    #: What the template does, for the report.
    summary: str
    #: The request body.
    body: str

    @property
    def template(self) -> str:
        return (TEMPLATES / f"{self.name}.vtl").read_text(encoding="utf-8")


def _passthrough(tags: int = 2) -> str:
    owner = {"id": "o-42", "name": "Ann O'Neil", "roles": ["admin", "billing"]}
    words = [["good", "boy"][index % 2] + ("" if index < 2 else str(index)) for index in range(tags)]
    return json.dumps({"id": "p-7", "name": 'Rex "the" dog', "tags": words, "owner": owner})


def _foreach(items: int = 100) -> str:
    return json.dumps(
        {"items": [{"name": f'item {i} "quoted"', "note": f"line {i}\nnext 'line'"} for i in range(items)]}
    )


def _soap(lines: int = 20) -> str:
    return json.dumps(
        {
            "customer": "Smith & Sons <wholesale>",
            "lines": [
                {"sku": f"SKU-{i:04d}", "description": f"Widget {i} & bolt <M{i}>", "quantity": i + 1}
                for i in range(lines)
            ],
        }
    )


def _filter(items: int = 1000) -> str:
    pick = random.Random(7)
    categories = ["toys", "books", "garden", "food"]
    return json.dumps(
        {
            "items": [
                {
                    "id": f"i-{i:05d}",
                    "name": f"product number {i}",
                    "category": pick.choice(categories),
                    "price": pick.randint(1, 40),
                    "active": pick.random() < 0.7,
                    "description": "x" * 20,
                }
                for i in range(items)
            ]
        }
    )


def scaled(name: str, size: int) -> Workload:
    """A workload with a larger body: ``foreach`` with ``size`` items, ``passthrough`` with
    ``size`` tags (how cost grows, in ``make bench``)."""
    body = _foreach(size) if name == "foreach" else _passthrough(size)
    return Workload(name, f"{name} x {size:,}", body)


WORKLOADS = [
    Workload("passthrough", "6-field passthrough: $input.path/json, escapeJavaScript, $context", _passthrough()),
    Workload("foreach", "100-item #foreach, two escapeJavaScript per item, $foreach.hasNext", _foreach()),
    Workload("soap", 'SOAP envelope, 20 order lines, .replace("&", "&amp;")', _soap()),
    Workload("filter", "1,000-item filter/reshape with #if ... &&", _filter()),
]


# -- airspeed-ext with plain objects ----------------------------------------------------------


class _PlainInput:
    """``$input`` as plain Python: the body parsed once per request, simple ``$.a.b`` paths."""

    def __init__(self, body: str) -> None:
        self.body = body
        self._data = json.loads(body)

    def _walk(self, path: str) -> Any:
        value = self._data
        for key in path[2:].split(".") if path != "$" else []:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def path(self, path: str) -> Any:
        return self._walk(path)

    def json(self, path: str) -> str:
        return json.dumps(self._walk(path))


class _PlainUtil:
    @staticmethod
    def escapeJavaScript(text: Any) -> str:  # noqa: N802 - VTL's name
        return json.dumps(str(text))[1:-1].replace("'", "\\'")


def airspeed_renderer(workload: Workload) -> Callable[[], str]:
    """A function that renders the workload once with airspeed-ext (template parsed once)."""
    import airspeed

    template = airspeed.Template(workload.template)

    def render() -> str:
        variables = {
            "input": _PlainInput(workload.body),
            "util": _PlainUtil(),
            "context": {"requestId": "c0ffee00-1234-4abc-8def-0123456789ab", "stage": "test"},
        }
        return str(template.merge(variables))

    return render


def apigw_renderer(workload: Workload) -> Callable[[], str]:
    """A function that renders the workload once through apigw's full path: the request's
    scope, ``$input`` over its body, the sandbox (template compiled once)."""
    from apigw_cli.render import render_template
    from apigw_cli.samples import request_from_mapping
    from apigw_cli.vtl.context import Identity
    from apigw_cli.vtl.engine import compile_template

    template = compile_template(workload.template, f"{workload.name}.vtl")
    request = request_from_mapping(
        {"method": "POST", "headers": {"Content-Type": "application/json"}, "body": workload.body}, "bench"
    )
    identity = Identity.deterministic()

    def render() -> str:
        return render_template(template, request, identity=identity).output

    return render
