"""Render one mapping template against a sample request (and response) as API Gateway does."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from apigw_cli.errors import CheckFailed, caret_excerpt
from apigw_cli.models import RenderResult, Request, Response, last_values
from apigw_cli.vtl.context import (
    OVERRIDE_KEYS,
    ContextSources,
    Identity,
    OverrideMap,
    build_context,
    new_overrides,
)
from apigw_cli.vtl.engine import Template
from apigw_cli.vtl.input import Input
from apigw_cli.vtl.util import Util
from apigw_cli.vtl.values import to_json_safe

#: Content types whose empty body API Gateway presents as ``{}`` (spec §6.3, §12.8).
_JSON_TYPES = ("application/json", "application/vnd.api+json")


def is_json_content_type(content_type: str | None) -> bool:
    """``None`` counts as JSON: API Gateway assumes ``application/json`` (spec §3.1).

    >>> is_json_content_type("application/json; charset=UTF-8"), is_json_content_type("text/xml")
    (True, False)
    """
    if content_type is None:
        return True
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type in _JSON_TYPES or media_type.endswith("+json")


def payload_text(body: str, content_type: str | None) -> str:
    """What ``$input.body`` shows: the body, or ``{}`` for an empty JSON body (recorded)."""
    if body == "" and is_json_content_type(content_type):
        return "{}"
    return body


@dataclass
class RequestScope:
    """What every template of one request shares: ``$context``, whose override maps carry
    what a request template sets over to the response template (spec §5, §6.6)."""

    request: Request
    context: dict[str, Any]
    request_override: OverrideMap
    response_override: OverrideMap
    #: The method request's headers, one value each, as ``$context`` and ``$input`` read them.
    headers: dict[str, str]


def request_scope(
    request: Request, identity: Identity | None = None, context_keys: frozenset[str] | None = None
) -> RequestScope:
    """``context_keys``: the ``$context`` keys to make (what one template reads,
    :attr:`~apigw_cli.vtl.engine.Template.context_keys`), else every key."""
    if context_keys is None or not context_keys.isdisjoint(OVERRIDE_KEYS):
        request_override, response_override = new_overrides()
    else:  # the template cannot reach them: maps nothing writes to
        request_override, response_override = _UNREACHED_OVERRIDES
    headers = last_values(request.headers)
    sources = ContextSources(
        request.method,
        request.path,
        request.resource,
        request.stage,
        headers,
        identity or Identity.fresh(),
        request_override,
        response_override,
    )
    context = build_context(sources, request.context, context_keys)
    return RequestScope(request, context, request_override, response_override, headers)


def render_template(
    template: Template,
    request: Request,
    *,
    response: Response | None = None,
    identity: Identity | None = None,
) -> RenderResult:
    """Render ``template`` as a request template, or as an integration response template
    when ``response`` is given: ``$input`` is then the response, while ``$context``,
    ``$stageVariables`` and ``$input.params()`` still describe the method request."""
    return render_in_scope(template, request_scope(request, identity, template.context_keys), response=response)


def render_in_scope(
    template: Template, scope: RequestScope, *, response: Response | None = None, request_body: str | None = None
) -> RenderResult:
    """:func:`render_template` within a request's scope, shared with its other templates;
    ``request_body`` replaces the request's body (after ``contentHandling``)."""
    request = scope.request
    message: Request | Response
    if response is None:
        text, message = (request.body_text() if request_body is None else request_body), request
    else:
        text, message = response.body_text(), response
    body = text or payload_text(text, message.header("Content-Type"))  # only an empty body needs its type
    # Arguments by position: by keyword they cost a small template's render 0.4 us.
    variables: dict[str, Any] = {
        "input": Input(body, request.path_parameters, last_values(request.query), scope.headers),
        "util": _UTIL,
        "context": scope.context,
        "stageVariables": dict(request.stage_variables),
    }
    outcome = template.render(variables)
    warnings = outcome.warnings
    return RenderResult(
        outcome.output,
        _overrides_json(scope.request_override),
        _overrides_json(scope.response_override),
        [f"{template.name}:{warning}" for warning in warnings] if warnings else [],
        [(item.rule, item.line, item.column, item.message) for item in warnings] if warnings else [],
    )


#: ``$util`` has no state: every render shares one.
_UTIL = Util()
#: The override maps of a scope whose template reads neither.
_UNREACHED_OVERRIDES = new_overrides()
#: The override maps as they start: most templates set none (one comparison in C instead of
#: converting them; the unreached maps first, found by identity).
_NOTHING_SET = [*_UNREACHED_OVERRIDES, *(to_json_safe(overrides) for overrides in new_overrides())]


def _overrides_json(overrides: OverrideMap) -> dict[str, Any]:
    """The overrides a template set, as JSON data."""
    if overrides in _NOTHING_SET:
        return {key: {} for key in overrides}
    safe: dict[str, Any] = to_json_safe(overrides)
    return safe


def check_json_output(output: str) -> None:
    """Raise :class:`~apigw_cli.errors.CheckFailed` when ``output`` is not valid JSON, showing
    the offending output line with a caret."""
    try:
        json.loads(output)
    except json.JSONDecodeError as exc:
        lines = output.splitlines() or [""]
        line = lines[min(exc.lineno, len(lines)) - 1]
        raise CheckFailed(
            f"the output is not valid JSON: {exc.msg} (output line {exc.lineno}, column {exc.colno})",
            details=caret_excerpt(line, exc.colno),
        ) from None
