"""Dynamic checks: render a template against samples and look at what comes out: does it
parse as its content type, does its JSON repeat a key, and where did the render touch
something easy to miss (a truncated loop, a member AWS answers null for)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from apigw_cli.documents import DuplicateKey, unique_object
from apigw_cli.errors import ApigwError
from apigw_cli.lint.report import Finding
from apigw_cli.models import Request, Response
from apigw_cli.render import render_template
from apigw_cli.soap.xml import XmlError, parse_element
from apigw_cli.vtl.context import Identity
from apigw_cli.vtl.engine import compile_template


@dataclass(frozen=True)
class Sample:
    """What a template renders against: a request, and for a response template the backend's
    response; ``label`` names it in findings (``samples/create-pet.json``)."""

    request: Request
    response: Response | None
    label: str


def dynamic_findings(text: str, source: str, samples: list[Sample], content_type: str | None) -> list[Finding]:
    """Findings of rendering ``text`` against each sample; ``content_type`` is what the
    output must parse as (``None``: what it looks like)."""
    findings: list[Finding] = []
    for sample in samples:
        where = f" (with {sample.label})"
        try:
            template = compile_template(text, source)
            result = render_template(
                template, sample.request, response=sample.response, identity=Identity.deterministic()
            )
        except ApigwError as error:
            findings.append(Finding("render-error", source, 1, 1, f"{error.message}{where}"))
            continue
        for rule, line, column, message in result.warning_places:
            findings.append(Finding(rule, source, line, column, message + where))
        problem = output_problem(result.output, content_type)
        if problem is not None:
            rule, message = problem
            findings.append(Finding(rule, source, 1, 1, message + where))
    unique: dict[tuple[str, int, int], Finding] = {}
    for finding in findings:  # one finding per place, from the first sample that shows it
        unique.setdefault((finding.rule, finding.line, finding.column), finding)
    return list(unique.values())


def output_kind(output: str, content_type: str | None) -> str | None:
    """``json``, ``xml`` or ``None`` (nothing to check): by content type, else by the first
    character of the output."""
    if content_type is not None:
        media = content_type.split(";", 1)[0].strip().lower()
        if media.endswith(("/json", "+json")):
            return "json"
        if media.endswith(("/xml", "+xml")):
            return "xml"
        return None
    first = output.lstrip()[:1]
    return "json" if first in ("{", "[") else "xml" if first == "<" else None


def output_problem(output: str, content_type: str | None) -> tuple[str, str] | None:
    """(rule, message) when ``output`` does not parse as its kind or its JSON repeats a key."""
    kind = output_kind(output, content_type)
    if kind == "json":
        try:
            json.loads(output, object_pairs_hook=unique_object)
        except DuplicateKey as duplicate:
            return "duplicate-json-key", f"the output repeats the key {duplicate.key!r} in one object"
        except ValueError as error:
            return "invalid-output", f"the output is not JSON: {error}"
        except RecursionError:
            return "invalid-output", "the output nests too deeply to read as JSON"
    elif kind == "xml":
        try:
            parse_element(output)
        except XmlError as error:
            where = f" (output line {error.line}, column {error.column})" if error.line else ""
            return "invalid-output", f"the output is not well-formed XML: {error}{where}"
    return None
