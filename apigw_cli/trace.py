"""The execution log of one simulated call, in the format of API Gateway's console test log
(spec §11): ``EEE MMM dd HH:mm:ss UTC yyyy : message``, maps printed Java style.

AWS cuts each log event at 1,024 bytes; apigw keeps whole lines, since the log is where a
user looks for the full endpoint request.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apigw_cli.models import Request

#: Headers whose values the log masks: AWS masks ``Authorization`` (spec §11); apigw also
#: ``X-Api-Key`` and a session's ``X-Amz-Security-Token``, so a log kept as a CI artifact
#: holds no secret.
_MASKED = frozenset({"authorization", "x-api-key", "x-amz-security-token"})
#: How many trailing characters of a masked value stay visible (unconfirmed: AWS logs show
#: the end of an Authorization value after the asterisks).
_VISIBLE_TAIL = 6


def log_time(epoch_ms: int) -> str:
    """``Thu Jan 01 00:00:00 UTC 2026``: Java's ``Date.toString()`` in UTC (Python runs in the
    C locale, so the names are English).

    >>> log_time(1767225600000)
    'Thu Jan 01 00:00:00 UTC 2026'
    """
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(epoch_ms // 1000))


def java_map(values: Mapping[str, Any]) -> str:
    """A map as Java prints it: ``{petId=7, tag=b}``; lists as ``[a, b]``.

    >>> java_map({"petId": "7", "tag": ["a", "b"]})
    '{petId=7, tag=[a, b]}'
    """
    return "{" + ", ".join(f"{key}={_java_value(value)}" for key, value in values.items()) + "}"


def _java_value(value: Any) -> str:
    if isinstance(value, Mapping):
        return java_map(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_java_value(item) for item in value) + "]"
    return "null" if value is None else str(value)


def masked_headers(headers: Mapping[str, list[str]]) -> dict[str, str]:
    """Headers for the log: one value per name (repeats joined with ``,``), secrets masked."""
    return {name: _masked(name, ",".join(values)) for name, values in headers.items()}


def masked_event(event: dict[str, Any]) -> dict[str, Any]:
    """A Lambda proxy event with its secret header values masked."""
    shown = dict(event)
    if isinstance(event.get("headers"), dict):
        shown["headers"] = {name: _masked(name, str(value)) for name, value in event["headers"].items()}
    if isinstance(event.get("multiValueHeaders"), dict):
        shown["multiValueHeaders"] = {
            name: [_masked(name, str(value)) for value in values] for name, values in event["multiValueHeaders"].items()
        }
    return shown


def _masked(name: str, value: str) -> str:
    if name.lower() not in _MASKED:
        return value
    hidden = len(value) - _VISIBLE_TAIL if len(value) > _VISIBLE_TAIL else len(value)
    return "*" * hidden + value[hidden:]


class ExecutionLog:
    """Lines stamped with the simulated clock: the request's arrival time plus the real
    time elapsed since, or the arrival time alone when ``frozen`` (``--deterministic``).
    Secrets in headers are masked unless ``reveal_secrets``."""

    def __init__(self, start_epoch_ms: int, *, frozen: bool = False, reveal_secrets: bool = False) -> None:
        self.start_epoch_ms = start_epoch_ms
        self.frozen = frozen
        self.reveal_secrets = reveal_secrets
        self.started = time.monotonic()
        self.lines: list[str] = []

    def start(self, request: Request, request_id: str) -> None:
        """The first lines, as every call's log starts."""
        self.lines.append(f"Execution log for request {request_id}")
        self.add(f"Starting execution for request: {request_id}")
        self.add(f"HTTP Method: {request.method}, Resource Path: {request.path}")

    def add(self, message: str) -> None:
        elapsed = 0 if self.frozen else int((time.monotonic() - self.started) * 1000)
        self.lines.append(f"{log_time(self.start_epoch_ms + elapsed)} : {message}")

    def headers(self, headers: Mapping[str, list[str]]) -> str:
        """Headers as the log prints them: a Java map, secrets masked."""
        if self.reveal_secrets:
            return java_map({name: ",".join(values) for name, values in headers.items()})
        return java_map(masked_headers(headers))

    def add_lines(self, prefix: str, text: str) -> None:
        """A multi-line text (a handler's output) as one entry per line."""
        for line in text.splitlines():
            self.add(f"{prefix}{line}")

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)
