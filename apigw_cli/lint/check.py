"""``apigw check``: a whole-API audit, offline. For every method: lint its templates, render
them against the definition's examples (or payloads made from its schemas), validate the
method responses against the API's models (JSON Schema draft 4, as API Gateway's models
are), and look for settings that answer 415, integration responses no status reaches and
selection patterns that shadow each other."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from apigw_cli.definitions.api import Api, Body, Method
from apigw_cli.definitions.integration import Integration, IntegrationResponse
from apigw_cli.definitions.select import SelectionError, media_type, select_integration_response
from apigw_cli.errors import ApigwError
from apigw_cli.integrations.aws import calls_lambda
from apigw_cli.integrations.mock import mock_status
from apigw_cli.invoke import InvokeOptions, invoke
from apigw_cli.lint.dynamic import Sample
from apigw_cli.lint.report import Finding
from apigw_cli.lint.rules import ERROR, WARNING
from apigw_cli.lint.targets import Linter, LintOptions
from apigw_cli.models import Request, Response
from apigw_cli.render import render_template
from apigw_cli.soap.envelope import NOT_IN_XML
from apigw_cli.vtl.context import Identity
from apigw_cli.vtl.engine import compile_template

#: Patterns that match any text: every later pattern of a Lambda integration is shadowed.
_MATCHES_ANYTHING = re.compile(r"\.\*|\(\.\|\\n\)\*|\(\\n\|\.\)\*|\[\\s\\S\]\*|\(\?s\)\.\*")
_STATUSES = [str(code) for code in range(100, 600)]
#: How deep a generated payload goes into nested schemas, and how long its texts and lists get.
_MAX_SAMPLE_DEPTH = 8
_MAX_SAMPLE_LENGTH = 1000
#: Characters XML cannot carry, left out of the JUnit report.
_XML_UNSAFE = re.compile(NOT_IN_XML)


@dataclass
class MethodAudit:
    method: Method
    #: Templates linted and rendered.
    templates: int = 0
    findings: list[Finding] = field(default_factory=list)

    def count(self, level: str) -> int:
        return sum(1 for finding in self.findings if finding.level == level)


@dataclass
class CheckReport:
    api: str
    audits: list[MethodAudit] = field(default_factory=list)

    def count(self, level: str) -> int:
        return sum(audit.count(level) for audit in self.audits)

    def failed(self, *, strict: bool) -> bool:
        return self.count(ERROR) > 0 or (strict and self.count(WARNING) > 0)

    @property
    def summary(self) -> str:
        templates = sum(audit.templates for audit in self.audits)
        return (f"{len(self.audits)} method(s), {templates} template(s): {self.count(ERROR)} error(s), "
                f"{self.count(WARNING)} warning(s), {self.count('info')} note(s)")  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "summary": {"methods": len(self.audits), "errors": self.count(ERROR), "warnings": self.count(WARNING),
                        "notes": self.count("info")},
            "methods": [
                {"method": audit.method.http_method, "resource": audit.method.resource, "templates": audit.templates,
                 "findings": [finding.to_json() for finding in audit.findings]}
                for audit in self.audits
            ],
        }  # fmt: skip

    def junit_suite(self, *, strict: bool) -> str:
        """A JUnit ``testsuite``: a test case per method, failing on its errors (and warnings,
        ``strict``)."""
        failing = (ERROR, WARNING) if strict else (ERROR,)
        cases = []
        for audit in self.audits:
            name = quoteattr(_XML_UNSAFE.sub("", f"{audit.method.http_method} {audit.method.resource}"))
            problems = [finding for finding in audit.findings if finding.level in failing]
            if not problems:
                cases.append(f"    <testcase classname={quoteattr(self.api)} name={name}/>")
                continue
            text = "\n".join(
                f"{item.source}:{item.line}:{item.column}: {item.rule}: {item.message}" for item in problems
            )
            message = quoteattr(f"{len(problems)} finding(s)")
            cases.append(
                f"    <testcase classname={quoteattr(self.api)} name={name}>\n"
                f"      <failure message={message}>{escape(text)}</failure>\n    </testcase>"
            )
        failures = sum(1 for case in cases if "<failure" in case)
        name = quoteattr("apigw check " + self.api)
        return (
            f'  <testsuite name={name} tests="{len(cases)}" failures="{failures}">\n'
            + "\n".join(cases)
            + "\n  </testsuite>\n"
        )


def junit_document(reports: list[CheckReport], *, strict: bool) -> str:
    """The JUnit XML of ``apigw check --junit``."""
    suites = "".join(report.junit_suite(strict=strict) for report in reports)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n{suites}</testsuites>\n'


def check_api(api: Api) -> CheckReport:
    """Audit every method of ``api``."""
    linter = Linter(LintOptions())
    report = CheckReport(api.name)
    for method in sorted(api.methods, key=lambda item: (item.resource, item.http_method)):
        report.audits.append(_Audit(api, method, linter).run())
    return report


class _Audit:
    def __init__(self, api: Api, method: Method, linter: Linter) -> None:
        self.api = api
        self.method = method
        self.linter = linter
        self.result = MethodAudit(method)

    def add(self, rule: str, source: str, message: str, line: int = 1, column: int = 1) -> None:
        self.result.findings.append(Finding(rule, source, line, column, message))

    def run(self) -> MethodAudit:
        integration = self.method.integration
        if integration is None:
            self.add("no-integration", self.method.source, f"{self.method.route} has no integration (AWS answers 500)")
            return self.result
        if not integration.is_proxy:
            self.passthrough(integration)
            self.request_templates(integration)
            self.response_templates(integration)
            self.selection(integration)
        return self.result

    # -- request side ------------------------------------------------------------------------

    def passthrough(self, integration: Integration) -> None:
        """Content types the method takes that its passthrough setting answers with 415."""
        templated = {media_type(key) for key in integration.request_templates}
        behavior = integration.passthrough_behavior
        for kind in self.method.request_bodies:
            refused = behavior == "NEVER" or (behavior == "WHEN_NO_TEMPLATES" and templated)
            if media_type(kind) not in templated and refused:
                message = f"a {kind} request has no template and passthroughBehavior {behavior}: AWS answers 415"
                self.add("passthrough-415", integration.source, message)

    def request_templates(self, integration: Integration) -> None:
        """Each request template, linted and rendered against the example of its type; the
        output of a MOCK's or a Lambda's template must be JSON."""
        lambda_or_mock = integration.type == "MOCK" or (integration.type == "AWS" and calls_lambda(integration.uri))
        for kind, template in integration.request_templates.items():
            self.result.templates += 1
            request = self.request(kind)
            sample = Sample(request, None, f"the {kind} example")
            expected = "application/json" if lambda_or_mock else None
            self.result.findings += self.linter.template(
                template.text, template.name, content_type=expected, samples=[sample]
            )
            if integration.type != "MOCK":
                continue
            try:
                output = render_template(
                    compile_template(template.text, template.name), request, identity=Identity.deterministic()
                ).output
            except ApigwError:
                continue  # reported by the lint above
            if mock_status(output) is None:
                self.add("mock-status", template.name, "the output has no integer statusCode: AWS answers 500")
            else:
                self.mock_response(integration, request)

    def request(self, kind: str) -> Request:
        """The method request of the example: its body (or one made from the schema), path
        parameters filled in."""
        body_spec = self.method.request_bodies.get(kind) or self.method.request_bodies.get("application/json")
        body = _text_of(_example_of(body_spec), kind) if body_spec else None
        parameters = dict.fromkeys(re.findall(r"\{([^}+]+)\+?\}", self.method.resource), "1")
        path = re.sub(r"\{([^}+]+)\+?\}", "1", self.method.resource)
        return Request(method=self.method.http_method if self.method.http_method != "ANY" else "POST", path=path,
                       resource=self.method.resource, headers={"Content-Type": [kind]}, path_parameters=parameters,
                       body=body)  # fmt: skip

    def mock_response(self, integration: Integration, request: Request) -> None:
        """A MOCK runs whole: its method response is checked against the model."""
        options = InvokeOptions(identity=Identity.deterministic(), frozen_clock=True)
        result = invoke(integration, request, options, method_responses=self.method.method_responses)
        if (
            result.failure is not None
            or result.response.status >= 500
            and "Internal server error" in result.response.body
        ):
            reason = next((line for line in reversed(result.log) if "Execution failed" in line), "")
            self.add("render-error", integration.source, f"the call answers {result.response.status}: {reason}".strip())
            return
        self.validate(result.response.status, result.response, integration.source)

    # -- response side -----------------------------------------------------------------------

    def response_templates(self, integration: Integration) -> None:
        """Response templates are linted with their content type. Only a MOCK runs them (whole,
        above): for a backend, nothing in a definition says what it answers (a method
        response's model describes the template's output, not its input)."""
        for response in integration.responses:
            for kind, template in response.templates.items():
                self.result.templates += 1
                self.result.findings += self.linter.template(
                    template.text, template.name, content_type=kind, samples=None
                )

    def validate(self, status: int, response: Response, source: str) -> None:
        """The method response against the model the definition gives for its status and type."""
        kind = media_type(response.header("Content-Type"))
        body_spec = self.method.response_bodies.get(status, {}).get(kind)
        if body_spec is None or not body_spec.schema:
            return
        from jsonschema import Draft4Validator  # only when there is a model to check

        try:
            document = json.loads(response.body_text())
        except ValueError:
            self.add("model-mismatch", source, f"the {status} response is not JSON, but its model is a JSON Schema")
            return
        errors = sorted(Draft4Validator(_draft4(body_spec.schema)).iter_errors(document), key=lambda item: item.path)
        for error in errors[:5]:
            where = "$" + "".join(f"[{part!r}]" if isinstance(part, str) else f"[{part}]" for part in error.path)
            self.add(
                "model-mismatch", source, f"the {status} response does not fit its model at {where}: {error.message}"
            )

    # -- selection ---------------------------------------------------------------------------

    def selection(self, integration: Integration) -> None:
        """Integration responses no status reaches, and patterns that earlier ones shadow."""
        responses = integration.responses
        if integration.type == "AWS" and calls_lambda(integration.uri):
            self.lambda_selection(integration)
            return
        try:
            chosen = [select_integration_response(responses, code).response for code in _STATUSES]
        except SelectionError as error:
            self.add("shadowed-pattern", integration.source, str(error))
            return
        reached = {id(response) for response in chosen if response is not None}
        for position, response in enumerate(responses):
            if id(response) in reached:
                continue
            label = response.selection_pattern or "default"
            earlier = [item.selection_pattern for item in responses[:position] if item.selection_pattern is not None]
            if response.selection_pattern is not None and _matches_some_status(response):
                self.add("shadowed-pattern", integration.source,
                         f"pattern {label!r} ({response.status}) only matches statuses earlier patterns "
                         f"{', '.join(map(repr, earlier))} take")  # fmt: skip
            else:
                message = f"integration response {label!r} ({response.status}) is chosen for no status 100-599"
                self.add("unreachable-response", integration.source, message)

    def lambda_selection(self, integration: Integration) -> None:
        """A Lambda's patterns match error messages: after one that matches any text, the later
        ones (and the default) are never chosen."""
        patterns = [item for item in integration.responses if item.selection_pattern is not None]
        seen: set[str] = set()
        for position, response in enumerate(patterns):
            pattern = response.selection_pattern or ""
            if pattern in seen:
                self.add(
                    "shadowed-pattern",
                    integration.source,
                    f"pattern {pattern!r} is given twice; the second never applies",
                )
            seen.add(pattern)
            if _MATCHES_ANYTHING.fullmatch(pattern):
                for later in patterns[position + 1 :]:
                    message = (
                        f"pattern {later.selection_pattern!r} comes after {pattern!r}, which matches every message"
                    )
                    self.add("shadowed-pattern", integration.source, message)
                if any(item.selection_pattern is None for item in integration.responses):
                    self.add("unreachable-response", integration.source,
                             f"the default response is never chosen: {pattern!r} matches success too")  # fmt: skip
                return


def _matches_some_status(response: IntegrationResponse) -> bool:
    """Whether the response's pattern, alone, matches some status code."""
    return any(select_integration_response([response], code).response is response for code in _STATUSES)


def _example_of(body: Body | None) -> Any:
    if body is None:
        return {}
    if body.has_example:
        return body.example
    return sample_of(body.schema or {}, 0)


def sample_of(schema: dict[str, Any], depth: int) -> Any:
    """A payload that fits ``schema`` (draft 4): its example, default or first enum value,
    else the simplest value of its type, every property filled."""
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            parts = [sample_of(item, depth + 1) for item in schema[key] if isinstance(item, dict)]
            merged = {k: v for part in parts if isinstance(part, dict) for k, v in part.items()}
            return merged if key == "allOf" and merged else parts[0] if parts else {}
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object" or (kind is None and "properties" in schema):
        if depth >= _MAX_SAMPLE_DEPTH:
            return {}
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            return {}
        return {
            name: sample_of(child if isinstance(child, dict) else {}, depth + 1) for name, child in properties.items()
        }
    if kind == "array":
        items = schema.get("items")
        count = _bounded(schema.get("minItems"), 1)
        item = sample_of(items if isinstance(items, dict) else {}, depth + 1)
        return [item] * count if depth < _MAX_SAMPLE_DEPTH else []
    if kind in ("integer", "number"):
        minimum = schema.get("minimum", 0)
        value = minimum if isinstance(minimum, int | float) and not isinstance(minimum, bool) else 0
        return value + 1 if schema.get("exclusiveMinimum") is True else value
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if kind == "string":
        formats = {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "email": "user@example.com",
                   "uuid": "c0ffee00-1234-4abc-8def-0123456789ab", "uri": "https://example.com/"}  # fmt: skip
        text = formats.get(str(schema.get("format")), "string")
        text = text.ljust(_bounded(schema.get("minLength"), 0), "x")
        maximum = schema.get("maxLength")
        return text[:maximum] if isinstance(maximum, int) and maximum >= 0 else text
    return {}


def _bounded(value: Any, default: int) -> int:
    """A schema's count (``minItems``, ``minLength``), at most :data:`_MAX_SAMPLE_LENGTH`."""
    return min(value, _MAX_SAMPLE_LENGTH) if isinstance(value, int) and value >= 0 else default


def _text_of(example: Any, kind: str) -> str:
    if isinstance(example, str) and not media_type(kind).endswith("json"):
        return example
    return json.dumps(example)


def _draft4(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI schema words JSON Schema draft 4 does not know are dropped (``nullable``,
    ``example``...): API Gateway's models are plain draft 4."""
    openapi_only = {
        "nullable",
        "example",
        "discriminator",
        "readOnly",
        "writeOnly",
        "xml",
        "externalDocs",
        "deprecated",
    }
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in openapi_only:
            continue
        if isinstance(value, dict) and key in ("properties", "patternProperties", "definitions"):
            value = {name: _draft4(child) if isinstance(child, dict) else child for name, child in value.items()}
        elif isinstance(value, dict):
            value = _draft4(value)
        elif isinstance(value, list) and key in ("allOf", "anyOf", "oneOf"):
            value = [_draft4(item) if isinstance(item, dict) else item for item in value]
        result[key] = value
    return result
