"""Plain data that flows between apigw's stages. Imports nothing from the package."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

#: Multi-valued parameters keep every value in order; the single-valued view is the last one,
#: as API Gateway gives it (spec §7.1, §12.11).
MultiValues = dict[str, list[str]]


def last_values(values: MultiValues) -> dict[str, str]:
    """The single-valued view of multi-valued parameters: the last value of each name.

    >>> last_values({"tag": ["a", "b"], "q": ["x"]})
    {'tag': 'b', 'q': 'x'}
    """
    return {name: items[-1] for name, items in values.items() if items} if values else {}


def routed_path(path: str) -> str:
    """The path as API Gateway routes it and a proxy event's ``path`` gives it: the slashes
    between the stage and the path collapse to one, while ``$context.path`` keeps them as
    sent (recorded: ``/stage//hardcoded`` routed to ``/hardcoded``).

    >>> routed_path("//hardcoded"), routed_path("/a//b"), routed_path("")
    ('/hardcoded', '/a//b', '/')
    """
    return "/" + path.lstrip("/")


@dataclass
class Request:
    """What the client sent to the gateway (the method request)."""

    method: str = "GET"
    #: The path after the stage, as a proxy event's ``path``.
    path: str = "/"
    #: The API resource that matched, e.g. ``/pets/{petId}``.
    resource: str = "/"
    headers: MultiValues = field(default_factory=dict)
    query: MultiValues = field(default_factory=dict)
    path_parameters: dict[str, str] = field(default_factory=dict)
    stage_variables: dict[str, str] = field(default_factory=dict)
    stage: str = "test"
    #: Overrides of ``$context`` values, nested (``{"identity": {"sourceIp": ...}}``).
    context: dict[str, Any] = field(default_factory=dict)
    #: The raw body as sent; ``None`` when the request had no body.
    body: str | None = None
    #: True when ``body`` is the base64 text of the raw bytes.
    is_base64_encoded: bool = False

    def body_text(self) -> str:
        """The body as the text a mapping template sees (UTF-8 of the raw bytes)."""
        return decode_body(self.body, self.is_base64_encoded)

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)

    @property
    def routed_path(self) -> str:
        return routed_path(self.path)


@dataclass
class Response:
    """An integration (backend) response, as a response mapping template sees it."""

    status: int = 200
    headers: MultiValues = field(default_factory=dict)
    body: str = ""
    is_base64_encoded: bool = False

    def body_text(self) -> str:
        return decode_body(self.body, self.is_base64_encoded)

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)


def header_value(headers: MultiValues, name: str) -> str | None:
    """The last value of a header, its name matched case-insensitively."""
    values = find_header(headers, name)
    return values[-1] if values else None


def find_header(headers: Mapping[str, T], name: str) -> T | None:
    """A header by name: the exact spelling first, else any spelling (names are
    case-insensitive in HTTP).

    >>> find_header({"Content-Type": "a"}, "content-type"), find_header({}, "x")
    ('a', None)
    """
    if name in headers:
        return headers[name]
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def header_key(headers: Mapping[str, T], name: str) -> str:
    """The key ``headers`` already has for ``name`` in any spelling, else ``name``: setting a
    header through it replaces the old one instead of adding a second spelling.

    >>> header_key({"Content-Type": 1}, "content-type"), header_key({}, "X-A")
    ('Content-Type', 'X-A')
    """
    wanted = name.lower()
    return next((key for key in headers if key.lower() == wanted), name)


#: What a header name may be (an HTTP token), and what a value may not hold.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_BAD_IN_VALUE = re.compile(r"[\r\n\x00]")


def header_problem(name: str, value: str) -> str | None:
    r"""Why HTTP cannot carry this header (a line break in it, a name that is not a token), or
    ``None``: API Gateway refuses such a header rather than let it forge others.

    >>> header_problem("X-A", "1"), header_problem("X-A", "1\r\nX-B: 2"), header_problem("X A", "1")
    (None, 'header X-A: the value holds a line break or NUL', "header 'X A': not a valid header name")
    """
    if not _HEADER_NAME.fullmatch(name):
        return f"header {name!r}: not a valid header name"
    if _BAD_IN_VALUE.search(value):
        return f"header {name}: the value holds a line break or NUL"
    return None


def decode_body(body: str | None, is_base64_encoded: bool) -> str:
    """Text of a body that may be base64 of raw bytes; undecodable bytes become U+FFFD."""
    if body is None:
        return ""
    if not is_base64_encoded:
        return body
    try:
        raw = base64.b64decode(body, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"body is not valid base64: {exc}") from exc
    return raw.decode("utf-8", errors="replace")


@dataclass
class RenderResult:
    """The outcome of rendering one mapping template."""

    #: The rendered text, exactly as API Gateway would produce it.
    output: str
    #: ``$context.requestOverride`` as the template left it: ``header``, ``path``, ``querystring``
    #: (JSON-safe data, as every field here).
    request_override: dict[str, Any]
    #: ``$context.responseOverride`` as the template left it: ``header``, ``status`` and any
    #: other key the template set.
    response_override: dict[str, Any]
    #: Places where the render did something easy to miss (``name:line:column: message``).
    warnings: list[str] = field(default_factory=list)
    #: The same, as (rule, line, column, message), for ``apigw lint``.
    warning_places: list[tuple[str, int, int, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document, keys in a fixed order."""
        return {
            "output": self.output,
            "requestOverride": self.request_override,
            "responseOverride": self.response_override,
            "warnings": self.warnings,
        }


@dataclass
class Difference:
    """One place where an output differs from the expected one."""

    #: Where: a JSON path (``$.items[2].price``) or an XML path (``/Envelope/Body[1]/@id``).
    path: str
    #: ``changed``, ``added`` (only in the output), ``removed`` (only expected) or ``type``.
    change: str
    expected: Any = None
    actual: Any = None

    def describe(self) -> str:
        """``$.items[2].price: 10 -> 12``, ``$.name: added "Rex"``, ``$.tags: array -> string``."""
        if self.change == "added":
            return f"{self.path}: added {_show(self.actual)}"
        if self.change == "removed":
            return f"{self.path}: removed {_show(self.expected)}"
        if self.change == "type":
            return f"{self.path}: type changed, {_show(self.expected)} -> {_show(self.actual)}"
        return f"{self.path}: {_show(self.expected)} -> {_show(self.actual)}"


def _show(value: Any) -> str:
    """A value as JSON; one JSON has no form for (a YAML date in an expectation) as text."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _jsonable(value: Any) -> Any:
    return json.loads(_show(value))


@dataclass
class DiffResult:
    """How an output compares with the expected one."""

    #: How they were compared: ``json``, ``xml`` or ``text``.
    format: str
    equal: bool
    #: Structural differences (JSON and XML).
    differences: list[Difference]
    #: A unified diff of the texts (text, or ``--strict``), lines with their newlines.
    unified: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "equal": self.equal,
            "differences": [
                {
                    "path": item.path,
                    "change": item.change,
                    "expected": _jsonable(item.expected),
                    "actual": _jsonable(item.actual),
                }
                for item in self.differences
            ],
            "unified": "".join(self.unified),
        }


@dataclass
class InvokeResult:
    """One simulated call through an integration: what the client got, and how."""

    #: The method response: status, headers, body.
    response: Response
    #: The execution log, one line per step, as the console's test log prints it.
    log: list[str]
    latency_ms: int
    #: Why the integration failed (backend unreachable, handler crashed...), when it did:
    #: ``response`` is then the gateway response AWS gives for that failure.
    failure: str | None = None
    #: Places where the call did something easy to miss (a template's warnings...).
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document: TestInvokeMethod's fields, keys in a fixed order."""
        response = self.response
        return {
            "status": response.status,
            "headers": {name: ", ".join(values) for name, values in response.headers.items()},
            "multiValueHeaders": response.headers,
            "body": response.body,
            "isBase64Encoded": response.is_base64_encoded,
            "latencyMs": self.latency_ms,
            "log": "".join(f"{line}\n" for line in self.log),
            "failure": self.failure,
            "warnings": self.warnings,
        }
