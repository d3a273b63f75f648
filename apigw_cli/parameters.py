"""Parameter mapping (spec §2): the values ``requestParameters`` send to the integration and
``responseParameters`` put on the method response.

Expressions were checked when the definition was read; here they are evaluated. A source
without a value sets nothing (unconfirmed, as LocalStack does). Header names match
case-sensitively, as the documentation warns (§2.1, §12.10): ``method.request.header.x-id``
does not read a header sent as ``X-Id``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from apigw_cli.models import MultiValues, Request, Response, last_values

#: A JSON path as mappings write it, without ``$.``: ``pets[0].name``, ``a['b c']``.
_PATH_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]|\['([^']*)'\]")


class MappingError(ValueError):
    """A mapping that cannot be evaluated on this request (a body that is not JSON)."""


@dataclass
class MappingSources:
    """What mapping expressions read: the method request, and on the response side the
    integration response."""

    request: Request
    #: ``$context`` as templates see it.
    context: dict[str, Any]
    response: Response | None = None


@dataclass
class IntegrationParameters:
    """The integration request's parameters after mapping (and request overrides)."""

    headers: MultiValues = field(default_factory=dict)
    query: MultiValues = field(default_factory=dict)
    path: dict[str, str] = field(default_factory=dict)


def map_request_parameters(mappings: dict[str, str], sources: MappingSources) -> IntegrationParameters:
    """Evaluate ``integration.request.<location>.<name>`` mappings."""
    mapped = IntegrationParameters()
    for target, expression in mappings.items():
        _, _, location, name = target.split(".", 3)
        values = evaluate(expression, sources)
        if not values:
            continue
        if location == "header":
            mapped.headers[name] = [",".join(values)]
        elif location == "querystring":
            mapped.query[name] = values
        else:
            mapped.path[name] = values[-1]
    return mapped


def map_response_parameters(mappings: dict[str, str], sources: MappingSources) -> MultiValues:
    """Evaluate ``method.response.header.<name>`` mappings into method response headers."""
    headers: MultiValues = {}
    for target, expression in mappings.items():
        values = evaluate(expression, sources)
        if values:
            headers[target.split(".", 3)[3]] = [",".join(values)]
    return headers


def evaluate(expression: str, sources: MappingSources) -> list[str]:
    """The values of one source expression: none, one, or several (the multi-value sources).

    Raises :class:`MappingError` when a body path is asked of a body that is not JSON.
    """
    if expression.startswith("'"):
        return [expression[1:-1]]
    head, _, rest = expression.partition(".")
    if head == "stageVariables":
        return _present(sources.request.stage_variables.get(rest))
    if head == "context":
        return _present(_context_value(sources.context, rest))
    if head == "method":  # method.request.<location>.<name> | method.request.body[.path]
        return _method_request(rest.split(".", 2)[1:], sources.request)
    assert sources.response is not None, "integration.response.* is only valid in responseParameters"
    return _integration_response(rest.split(".", 2)[1:], sources.response)


def _method_request(parts: list[str], request: Request) -> list[str]:
    location = parts[0]
    name = parts[1] if len(parts) > 1 else ""
    if location == "path":
        return _present(request.path_parameters.get(name))
    if location == "querystring":
        return _present(last_values(request.query).get(name))
    if location == "multivaluequerystring":
        return list(request.query.get(name, []))
    return _headers_or_body(location, name, request.headers, request.body_text())


def _integration_response(parts: list[str], response: Response) -> list[str]:
    return _headers_or_body(parts[0], parts[1] if len(parts) > 1 else "", response.headers, response.body_text())


def _headers_or_body(location: str, name: str, headers: MultiValues, body: str) -> list[str]:
    """``header.NAME`` (the last value), ``multivalueheader.NAME`` (all, comma-joined), or
    ``body[.PATH]``."""
    values = headers.get(name)
    if location == "header":
        return _present(values[-1] if values else None)
    if location == "multivalueheader":
        return [",".join(values)] if values else []
    return _body(body, name)


def _body(text: str, path: str) -> list[str]:
    """``body`` (the whole text) or ``body.<path>`` (a JSON field; objects as JSON text). A
    string on the way that holds JSON is read as JSON: that is how
    ``integration.response.body.errorMessage.x`` reaches into a Lambda error (spec §2.2)."""
    if not path:
        return _present(text)
    try:
        value: Any = json.loads(text)
    except (ValueError, RecursionError):
        raise MappingError(f"body.{path} needs a JSON body") from None
    for match in _PATH_STEP.finditer(path):
        key, index, quoted = match.groups()
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except (ValueError, RecursionError):
                return []
        if index is not None:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(quoted if quoted is not None else key)
        else:
            value = None
        if value is None:
            return []
    return _present(value if isinstance(value, str) else json.dumps(value, separators=(",", ":")))


def _context_value(context: dict[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), default=str)
    return value


def _present(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if value is True or value is False:
        return [str(value).lower()]
    return [str(value)]
