"""Choices API Gateway makes from a definition: the request template (by ``Content-Type``,
under ``passthroughBehavior``, spec §3.1), the integration response (by selection pattern,
§4) and the response template (by ``Accept``, §3.2).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from apigw_cli.definitions.integration import IntegrationResponse, MappingTemplate, default_response
from apigw_cli.vtl.javaregex import JavaRegexError, compile_java_regex
from apigw_cli.vtl.limits import MAX_RENDER_SECONDS, LimitReached, deadline_alarm

#: What API Gateway assumes when a request has no ``Content-Type`` or ``Accept`` (§3).
DEFAULT_MEDIA_TYPE = "application/json"


class UnsupportedMediaType(Exception):
    """No template fits and ``passthroughBehavior`` refuses to pass the body through: 415."""


class SelectionError(ValueError):
    """A selection pattern that is not a valid Java regex, or that takes too long to match."""


@dataclass
class TemplateChoice:
    """The template to apply (``None``: pass the body through) and the key it was found under."""

    template: MappingTemplate | None
    media_type: str


def media_type(header: str | None) -> str:
    """The MIME type of a ``Content-Type`` or the first of an ``Accept``: parameters dropped,
    lower case; none given: ``application/json``.

    >>> media_type("Application/JSON; charset=UTF-8"), media_type("text/xml, */*"), media_type(None)
    ('application/json', 'text/xml', 'application/json')
    """
    if not header or not header.strip():
        return DEFAULT_MEDIA_TYPE
    first = header.split(",", 1)[0]
    return first.split(";", 1)[0].strip().lower() or DEFAULT_MEDIA_TYPE


def _find(templates: dict[str, MappingTemplate], wanted: str) -> str | None:
    """The key of ``templates`` for ``wanted``; keys compare case-insensitively (unconfirmed)."""
    return next((key for key in templates if key.split(";", 1)[0].strip().lower() == wanted), None)


def select_request_template(
    templates: dict[str, MappingTemplate], content_type: str | None, passthrough: str
) -> TemplateChoice:
    """The request template for ``content_type``, or passthrough, or
    :class:`UnsupportedMediaType` (the table of spec §3.1)."""
    wanted = media_type(content_type)
    key = _find(templates, wanted)
    if key is not None:
        return TemplateChoice(templates[key], key)
    if passthrough == "WHEN_NO_MATCH" or (passthrough == "WHEN_NO_TEMPLATES" and not templates):
        return TemplateChoice(None, wanted)
    raise UnsupportedMediaType(wanted)


def select_response_template(templates: dict[str, MappingTemplate], accept: str | None) -> TemplateChoice:
    """The response template for the first ``Accept`` type, else the ``application/json``
    one, else the first defined; none defined: passthrough."""
    wanted = media_type(accept)
    key = _find(templates, wanted) or _find(templates, DEFAULT_MEDIA_TYPE) or next(iter(templates), None)
    if key is None:
        return TemplateChoice(None, wanted)
    return TemplateChoice(templates[key], key)


@dataclass
class ResponseSelection:
    """The chosen integration response (``None``: nothing matched and there is no default),
    and the other patterns that also matched."""

    response: IntegrationResponse | None
    also_matched: list[IntegrationResponse]


def select_integration_response(responses: list[IntegrationResponse], value: str) -> ResponseSelection:
    """The first response whose pattern matches the whole of ``value`` (Java regex, as
    ``Pattern.matches``), else the default. Definition order decides between several
    matches: AWS picked the one created first in the one recording that tells (spec §4)."""
    matched = [
        response
        for response in responses
        if response.selection_pattern is not None and _matches(response.selection_pattern, value)
    ]
    if matched:
        return ResponseSelection(matched[0], matched[1:])
    return ResponseSelection(default_response(responses), [])


def _matches(pattern: str, value: str) -> bool:
    try:
        compiled = compile_java_regex(pattern)
    except JavaRegexError as exc:
        raise SelectionError(f"selection pattern {pattern!r} is not a valid regular expression: {exc}") from None
    too_slow = LimitReached(f"selection pattern {pattern!r} took longer than {MAX_RENDER_SECONDS:g} seconds to match")
    try:
        with deadline_alarm(time.monotonic() + MAX_RENDER_SECONDS, lambda: too_slow):
            return compiled.fullmatch(value) is not None
    except LimitReached as exc:
        raise SelectionError(str(exc)) from None
