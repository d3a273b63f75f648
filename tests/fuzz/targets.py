"""Fuzz targets: each takes raw bytes and feeds them to one of apigw's readers. The contract
under test: a result, or an :class:`~apigw_cli.errors.ApigwError` (which the CLI turns into
one line and a documented exit code); any other exception is a bug.

The same targets serve the bounded hypothesis tests (tests/fuzz/test_fuzz.py), the replay of
saved regressions (tests/fuzz/regressions/TARGET/*) and the coverage-guided runs of
``make fuzz`` (tests/fuzz/run_atheris.py)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from apigw_cli.errors import ApigwError

REQUEST = {"method": "POST", "headers": {"Content-Type": "application/json"}, "body": '{"a": [1, "x", {"b": null}]}'}


def template(data: bytes) -> None:
    """The engine: any text as a template, rendered against a small JSON request."""
    from apigw_cli.render import render_template
    from apigw_cli.samples import request_from_mapping
    from apigw_cli.vtl.context import Identity
    from apigw_cli.vtl.engine import compile_template

    text = data.decode("utf-8", errors="replace")
    compiled = compile_template(text, "fuzz.vtl")
    render_template(compiled, request_from_mapping(REQUEST, "request"), identity=Identity.deterministic())


def jsonpath(data: bytes) -> None:
    """``$input.path``/``$input.json`` with any expression (first line), on a JSON body and
    on the rest of the data as body, through the engine as a template calls them."""
    from apigw_cli.vtl.engine import compile_template
    from apigw_cli.vtl.input import Input
    from apigw_cli.vtl.util import Util

    text = data.decode("utf-8", errors="replace")
    expression, _, body = text.partition("\n")
    compiled = compile_template("$input.path($e)|$input.json($e)", "jsonpath.vtl")
    for document in (REQUEST["body"], body):
        source = Input(document, path={}, query={}, headers={})
        compiled.render({"input": source, "e": expression, "util": Util(), "context": {}, "stageVariables": {}})


def request_file(data: bytes) -> None:
    """The request file reader (YAML or JSON, or a proxy event), and the response file reader."""
    from apigw_cli.samples import read_request_file, read_response_file

    for suffix in (".json", ".yaml"):
        with _file(data, suffix) as path:
            read_request_file(path)
            read_response_file(path)


def xml(data: bytes) -> None:
    """The hardened XML reader, through ``soap to-json`` and the XML diff."""
    from apigw_cli.diff import compare_outputs
    from apigw_cli.soap.parse import to_json

    to_json(data, name="fuzz.xml")
    text = data.decode("utf-8", errors="replace")
    compare_outputs(text, "<a/>")


def case_file(data: bytes) -> None:
    """The case-file reader."""
    from apigw_cli.cases import load_case_file

    with _file(data, ".yaml") as path:
        load_case_file(Path(path))


def definition(data: bytes) -> None:
    """The API definition loader (OpenAPI, SAM, CloudFormation), and lint over it."""
    from apigw_cli.definitions.load import load_definition

    for suffix in (".yaml", ".json"):
        with _file(data, suffix) as path:
            load_definition(path)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "template": template,
    "jsonpath": jsonpath,
    "request_file": request_file,
    "xml": xml,
    "case_file": case_file,
    "definition": definition,
}


def run(target: Callable[[bytes], None], data: bytes) -> None:
    """Run ``target`` on ``data``: an ApigwError is an answer, anything else propagates."""
    try:
        target(data)
    except ApigwError:
        pass


class _file:
    """``data`` in a temporary file with ``suffix``, removed afterwards."""

    def __init__(self, data: bytes, suffix: str) -> None:
        self.data = data
        self.suffix = suffix
        self.path = ""

    def __enter__(self) -> str:
        handle, self.path = tempfile.mkstemp(suffix=self.suffix)
        with os.fdopen(handle, "wb") as file:
            file.write(self.data)
        return self.path

    def __exit__(self, *exc: object) -> None:
        os.unlink(self.path)
