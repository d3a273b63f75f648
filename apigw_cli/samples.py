"""Request files and response files (``shared/spec/case-format.md`` §1), and Lambda proxy
events as ``sam local generate-event`` prints them, read into :mod:`apigw_cli.models`.

Unknown keys are errors that name the key and the file, so a typo never passes silently.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apigw_cli.documents import kind_of, load_document, unknown_keys
from apigw_cli.errors import InputError, UsageError
from apigw_cli.models import MultiValues, Request, Response, header_problem, routed_path
from apigw_cli.vtl.context import OVERRIDE_KEYS

REQUEST_KEYS = frozenset(
    {"method", "path", "resource", "headers", "multiValueHeaders", "query", "multiValueQuery", "pathParameters",
     "stageVariables", "stage", "context", "body", "json", "isBase64Encoded"}
)  # fmt: skip
RESPONSE_KEYS = frozenset({"status", "headers", "multiValueHeaders", "body", "json", "isBase64Encoded"})


def read_request_file(path: str, *, as_event: bool = False) -> Request:
    """A request file, or a Lambda proxy event (recognised by ``httpMethod`` and
    ``requestContext``, or forced with ``as_event``)."""
    data = load_document(path, what="request file")
    if as_event or (isinstance(data, dict) and "httpMethod" in data and "requestContext" in data):
        return request_from_event(data, path)
    return request_from_mapping(data, path)


def read_response_file(path: str) -> Response:
    return response_from_mapping(load_document(path, what="response file"), path)


class _Fields:
    """Typed access to one mapping of a file, with errors that name the file and key."""

    def __init__(self, data: Any, source: str, allowed: frozenset[str] | None, what: str) -> None:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise InputError(f"{source}: a {what} must be a mapping, not {kind_of(data)}")
        if allowed is not None:
            unknown = unknown_keys(data, allowed)
            if unknown:
                raise InputError(
                    f"{source}: unknown key '{unknown[0]}' in the {what}",
                    hint="allowed keys: " + ", ".join(sorted(allowed)),
                )
        self.data: dict[str, Any] = data
        self.source = source

    def error(self, key: str, message: str) -> InputError:
        return InputError(f"{self.source}: key '{key}': {message}")

    def text(self, key: str, default: str) -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, dict | list):
            raise self.error(key, f"expected text, got {kind_of(value)}")
        return _as_text(value)

    def boolean(self, key: str) -> bool:
        value = self.data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {kind_of(value)}")
        return value

    def strings(self, key: str) -> dict[str, str]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"expected a mapping of names to values, got {kind_of(value)}")
        result = {}
        for name, item in value.items():
            if isinstance(item, dict | list):
                raise self.error(f"{key}.{name}", f"expected a single value, got {kind_of(item)}")
            result[str(name)] = "" if item is None else _as_text(item)
        return result

    def multi(self, single_key: str, multi_key: str, *, fold_case: bool) -> MultiValues:
        """Single- and multi-valued parameters as one multi-valued map. A name given both
        ways keeps the list; its single value must then be the list's last item."""
        single = self.strings(single_key)
        multi_raw = self.data.get(multi_key)
        result: MultiValues = {}
        if multi_raw is not None:
            if not isinstance(multi_raw, dict):
                raise self.error(multi_key, f"expected a mapping of names to lists, got {kind_of(multi_raw)}")
            for name, items in multi_raw.items():
                if not isinstance(items, list) or any(isinstance(item, dict | list) for item in items):
                    raise self.error(f"{multi_key}.{name}", "expected a list of values")
                _add(result, str(name), [_as_text(item) for item in items if item is not None], fold_case)
        for name, value in single.items():
            existing = _find(result, name, fold_case)
            if existing is None:
                _add(result, name, [value], fold_case)
            elif result[existing][-1:] != [value]:
                raise self.error(
                    f"{single_key}.{name}",
                    f"'{value}' differs from the last value of {multi_key}.{existing}; "
                    "API Gateway's single value is the last one",
                )
        return result


def _find(values: MultiValues, name: str, fold_case: bool) -> str | None:
    if name in values:
        return name
    if fold_case:
        wanted = name.lower()
        return next((key for key in values if key.lower() == wanted), None)
    return None


def _add(values: MultiValues, name: str, items: list[str], fold_case: bool) -> None:
    existing = _find(values, name, fold_case)
    if existing is None:
        values[name] = list(items)
    else:
        values[existing].extend(items)


def _as_text(value: Any) -> str:
    """YAML scalars as the text a client would have sent (``10`` → ``"10"``, ``true`` → ``"true"``)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _body(fields: _Fields) -> tuple[str | None, bool]:
    """``body`` (raw text) or ``json`` (serialised as a Python client sends it)."""
    if "body" in fields.data and "json" in fields.data:
        raise InputError(f"{fields.source}: 'body' and 'json' are mutually exclusive")
    is_base64 = fields.boolean("isBase64Encoded")
    if "json" in fields.data:
        try:
            return json.dumps(fields.data["json"]), False
        except (TypeError, ValueError, RecursionError) as exc:
            raise fields.error("json", f"cannot be written as JSON: {exc}") from None
    body = fields.data.get("body")
    if body is None:
        return None, is_base64
    if isinstance(body, dict | list):
        raise fields.error("body", "expected text; use 'json' for a structured body")
    text = _as_text(body)
    if is_base64:
        try:
            base64.b64decode(text, validate=True)
        except binascii.Error as exc:
            raise fields.error("body", f"isBase64Encoded is true but the body is not base64 ({exc})") from None
    return text, is_base64


def _context(fields: _Fields) -> dict[str, Any]:
    """``context`` overrides, dotted (``identity.sourceIp: x``) or nested, as one nested map."""
    raw = fields.data.get("context")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise fields.error("context", f"expected a mapping, got {kind_of(raw)}")
    nested: dict[str, Any] = {}
    for dotted, value in raw.items():
        if str(dotted).split(".", 1)[0] in OVERRIDE_KEYS:
            raise fields.error(f"context.{dotted}", "overrides are what a template sets, not part of a request")
        set_dotted(nested, str(dotted), value)
    return nested


def set_dotted(target: dict[str, Any], dotted: str, value: Any) -> None:
    """``set_dotted(m, "a.b", 1)`` makes ``m["a"]["b"] == 1``, merging maps on the way."""
    *parents, last = dotted.split(".")
    node = target
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    if isinstance(value, dict) and isinstance(node.get(last), dict):
        for key, item in value.items():
            set_dotted(node[last], str(key), item)
    else:
        node[last] = value


def request_from_mapping(data: Any, source: str) -> Request:
    """A request file's content (also the inline ``request:`` of a case)."""
    fields = _Fields(data, source, REQUEST_KEYS, "request")
    body, is_base64 = _body(fields)
    path = fields.text("path", "/")
    return Request(
        method=fields.text("method", "GET").upper(),
        path=path,
        resource=fields.text("resource", routed_path(path)),
        headers=fields.multi("headers", "multiValueHeaders", fold_case=True),
        query=fields.multi("query", "multiValueQuery", fold_case=False),
        path_parameters=fields.strings("pathParameters"),
        stage_variables=fields.strings("stageVariables"),
        stage=fields.text("stage", "test"),
        context=_context(fields),
        body=body,
        is_base64_encoded=is_base64,
    )


#: requestContext fields apigw derives from the request itself.
_EVENT_DERIVED = frozenset({"httpMethod", "stage", "path", "resourcePath", "requestOverride", "responseOverride"})


def request_from_event(data: Any, source: str) -> Request:
    """A Lambda proxy integration event (payload format 1.0, spec §7.1)."""
    fields = _Fields(data, source, None, "Lambda proxy event")
    request_context = fields.data.get("requestContext") or {}
    if not isinstance(request_context, Mapping):
        raise fields.error("requestContext", f"expected a mapping, got {kind_of(request_context)}")
    event = {
        "method": fields.data.get("httpMethod"),
        "path": fields.data.get("path"),
        "resource": fields.data.get("resource"),
        "headers": fields.data.get("headers"),
        "multiValueHeaders": fields.data.get("multiValueHeaders"),
        "query": fields.data.get("queryStringParameters"),
        "multiValueQuery": fields.data.get("multiValueQueryStringParameters"),
        "pathParameters": fields.data.get("pathParameters"),
        "stageVariables": fields.data.get("stageVariables"),
        "stage": request_context.get("stage"),
        "body": fields.data.get("body"),
        "isBase64Encoded": fields.data.get("isBase64Encoded"),
    }
    sent = _path_as_sent(request_context, event["path"])
    if sent is not None:
        event["path"] = sent
    request = request_from_mapping({key: value for key, value in event.items() if value is not None}, source)
    # The request's own fields carry these, so flags such as -X and --stage can change them.
    request.context = {key: value for key, value in request_context.items() if key not in _EVENT_DERIVED}
    return request


def _path_as_sent(request_context: Mapping[str, Any], path: Any) -> str | None:
    """The path the client sent, slashes after the stage included, when the event's
    ``requestContext.path`` (``/stage//pets``) keeps what its ``path`` (``/pets``) collapsed."""
    stage, full = request_context.get("stage"), request_context.get("path")
    if not (isinstance(stage, str) and isinstance(full, str) and isinstance(path, str)):
        return None
    prefix = "" if stage == "$default" else f"/{stage}"  # as HTTP APIs' default stage has none
    sent = full[len(prefix) :] if full.startswith(f"{prefix}/") else path
    return sent if sent != path and routed_path(sent) == path else None


def response_from_mapping(data: Any, source: str) -> Response:
    """A response file's content: the integration (backend) response."""
    fields = _Fields(data, source, RESPONSE_KEYS, "response")
    status_text = fields.text("status", "200")
    if not re.fullmatch(r"[1-5][0-9][0-9]", status_text):
        raise fields.error("status", f"expected an HTTP status from 100 to 599, got {status_text!r}")
    body, is_base64 = _body(fields)
    headers = fields.multi("headers", "multiValueHeaders", fold_case=True)
    for name, values in headers.items():
        problem = next(filter(None, (header_problem(name, value) for value in values)), None)
        if problem is not None:
            raise fields.error(f"headers.{name}", f"HTTP cannot carry it: {problem}")
    return Response(
        status=int(status_text),
        headers=headers,
        body=body or "",
        is_base64_encoded=is_base64,
    )


@dataclass
class RequestFlags:
    """Command-line values that override a request file's (``-X``, ``-H``, ``-q``...)."""

    method: str | None = None
    path: str | None = None
    resource: str | None = None
    stage: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    query: list[tuple[str, str]] = field(default_factory=list)
    path_parameters: list[tuple[str, str]] = field(default_factory=list)
    stage_variables: list[tuple[str, str]] = field(default_factory=list)
    context: list[tuple[str, Any]] = field(default_factory=list)
    body: str | None = None


def apply_flags(request: Request, flags: RequestFlags) -> Request:
    """``request`` with the flags applied. A header or query name given by flags replaces the
    file's values for that name; repeating it gives several values."""
    if flags.method:
        request.method = flags.method.upper()
    if flags.path:
        if flags.resource is None and request.resource in (request.path, request.routed_path):
            request.resource = routed_path(flags.path)
        request.path = flags.path
    if flags.resource:
        request.resource = flags.resource
    if flags.stage:
        request.stage = flags.stage
    _replace_values(request.headers, flags.headers, fold_case=True)
    _replace_values(request.query, flags.query, fold_case=False)
    request.path_parameters.update(flags.path_parameters)
    request.stage_variables.update(flags.stage_variables)
    for dotted, value in flags.context:
        if dotted.split(".", 1)[0] in OVERRIDE_KEYS:
            raise UsageError(f"--context {dotted}: overrides are what a template sets, not part of a request")
        set_dotted(request.context, dotted, value)
    if flags.body is not None:
        request.body, request.is_base64_encoded = flags.body, False
    return request


def _replace_values(values: MultiValues, pairs: list[tuple[str, str]], *, fold_case: bool) -> None:
    replaced: set[str] = set()
    for name, value in pairs:
        existing = _find(values, name, fold_case)
        if existing is not None and existing not in replaced:
            del values[existing]
            existing = None
        key = existing or name
        values.setdefault(key, []).append(value)
        replaced.add(key)
