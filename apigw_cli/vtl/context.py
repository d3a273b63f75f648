"""``$context``: the request's context variables (spec §6.2), and the override maps (§6.6).

Values are realistic by default: a fresh request id and the current time on every render.
With a fixed :class:`Identity` (``--deterministic``, ``--seed``) they are repeatable, so
golden outputs stay stable.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from apigw_cli.models import find_header
from apigw_cli.vtl.methods import JavaException
from apigw_cli.vtl.values import ArrayList, NullPrintingMap

#: Values used when the request does not say otherwise; all documented in the README.
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_API_ID = "abcd1234ef"
DEFAULT_REGION = "us-east-1"
DEFAULT_SOURCE_IP = "203.0.113.10"
DEFAULT_USER_AGENT = "curl/8.5.0"
DEFAULT_DEPLOYMENT_ID = "x1y2z3"
DEFAULT_RESOURCE_ID = "3s0u3o"
#: ``--deterministic`` without ``--seed``: 2026-01-01T00:00:00Z and this request id.
DETERMINISTIC_EPOCH_MS = 1_767_225_600_000
DETERMINISTIC_REQUEST_ID = "c0ffee00-1234-4abc-8def-0123456789ab"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Identity:
    """What makes one request unique: its id, extended id, and arrival time."""

    request_id: str
    extended_request_id: str
    epoch_ms: int

    @classmethod
    def fresh(cls) -> Identity:
        import uuid  # only for a fresh identity, not on every start

        return cls(str(uuid.uuid4()), _extended_id(os.urandom(10)), int(time.time() * 1000))

    @classmethod
    def deterministic(cls, seed: int | None = None) -> Identity:
        """Fixed values; a seed derives other fixed values from it."""
        if seed is None:
            return cls(DETERMINISTIC_REQUEST_ID, "AbCdEfGhIjKlMnO=", DETERMINISTIC_EPOCH_MS)
        import random
        import uuid

        generator = random.Random(seed)
        request_id = str(uuid.UUID(int=generator.getrandbits(128), version=4))
        epoch_ms = DETERMINISTIC_EPOCH_MS + generator.randrange(365 * 24 * 3600) * 1000
        return cls(request_id, _extended_id(generator.randbytes(10)), epoch_ms)


def _extended_id(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")[:15] + "="


@lru_cache(maxsize=64)
def format_request_time(epoch_ms: int) -> str:
    """API Gateway's ``requestTime``: ``28/Jun/2024:23:22:29 +0000``.

    >>> format_request_time(1719616949095)
    '28/Jun/2024:23:22:29 +0000'
    """
    moment = time.gmtime(epoch_ms // 1000)
    return (
        f"{moment.tm_mday:02d}/{_MONTHS[moment.tm_mon - 1]}/{moment.tm_year}:"
        f"{moment.tm_hour:02d}:{moment.tm_min:02d}:{moment.tm_sec:02d} +0000"
    )


class OverrideMap(dict[str, Any]):
    """A ``requestOverride``/``responseOverride`` map: each key may be set once; API Gateway
    answers a second assignment with a 5XX (spec §6.6). Its parts are nested override maps
    (``header``...), whose entries are set rather than the part itself. Made by
    :func:`new_overrides`, which names each (dict's own ``__init__``: a render makes six)."""

    __slots__ = ("label",)
    label: str

    def __setitem__(self, key: str, value: Any) -> None:
        if isinstance(self.get(key), OverrideMap):
            raise JavaException(
                "OverrideException",
                f"$context.{self.label}.{key} holds overrides; set its entries ($context.{self.label}.{key}.NAME)",
            )
        if key in self:
            raise JavaException(
                "OverrideException",
                f"$context.{self.label}.{key} is set twice; API Gateway answers 5XX when an override is set again",
            )
        super().__setitem__(key, value)


#: ``$context`` keys that are the template's output, never a request's input.
OVERRIDE_KEYS = ("requestOverride", "responseOverride")


#: Each override map's name, and its parts with theirs.
_OVERRIDE_PARTS = {
    "requestOverride": {part: f"requestOverride.{part}" for part in ("header", "path", "querystring")},
    "responseOverride": {"header": "responseOverride.header"},
}


def new_overrides() -> tuple[OverrideMap, OverrideMap]:
    """Fresh ``requestOverride`` and ``responseOverride`` maps."""
    made = []
    for label, parts in _OVERRIDE_PARTS.items():
        overrides = OverrideMap()
        overrides.label = label
        for part, part_label in parts.items():
            dict.__setitem__(overrides, part, part_map := OverrideMap())
            part_map.label = part_label
        made.append(overrides)
    return made[0], made[1]


#: ``$context`` with the values every request shares; None marks this request's own.
_DEFAULT_CONTEXT: dict[str, Any] = {
    "accountId": DEFAULT_ACCOUNT_ID,
    "apiId": DEFAULT_API_ID,
    "authorizer": None,
    "awsEndpointRequestId": None,
    "deploymentId": DEFAULT_DEPLOYMENT_ID,
    "domainName": f"{DEFAULT_API_ID}.execute-api.{DEFAULT_REGION}.amazonaws.com",
    "domainPrefix": DEFAULT_API_ID,
    "error": None,
    "extendedRequestId": None,
    "httpMethod": None,
    "identity": None,
    "isCanaryRequest": None,
    "path": None,
    "protocol": "HTTP/1.1",
    "requestId": None,
    "requestOverride": None,
    "requestTime": None,
    "requestTimeEpoch": None,
    "resourceId": DEFAULT_RESOURCE_ID,
    "resourcePath": None,
    "responseOverride": None,
    "stage": None,
    "wafResponseCode": None,
    "webaclArn": None,
}
_DEFAULT_ERROR: dict[str, Any] = dict.fromkeys(("message", "messageString", "responseType", "validationErrorString"))
_DEFAULT_IDENTITY: dict[str, Any] = dict.fromkeys(
    (
        "accessKey",
        "accountId",
        "apiKey",
        "apiKeyId",
        "caller",
        "clientCert",
        "cognitoAuthenticationProvider",
        "cognitoAuthenticationType",
        "cognitoIdentityId",
        "cognitoIdentityPoolId",
        "principalOrgId",
        "sourceIp",
        "user",
        "userAgent",
        "userArn",
        "vpcId",
        "vpceId",
    )
)


class ContextSources:
    """What a request's own ``$context`` values are made of: ``headers`` are its
    single-valued headers, the override maps are what its templates set (spec §6.6)."""

    __slots__ = ("method", "path", "resource", "stage", "headers", "identity", "request_override", "response_override")

    def __init__(
        self,
        method: str,
        path: str,
        resource: str,
        stage: str,
        headers: dict[str, str],
        identity: Identity,
        request_override: OverrideMap,
        response_override: OverrideMap,
    ) -> None:
        self.method = method
        self.path = path
        self.resource = resource
        self.stage = stage
        self.headers = headers
        self.identity = identity
        self.request_override = request_override
        self.response_override = response_override


def _identity_map(sources: ContextSources) -> dict[str, Any]:
    identity = _DEFAULT_IDENTITY.copy()
    forwarded = (find_header(sources.headers, "X-Forwarded-For") or "").split(",")[0].strip()
    identity["sourceIp"] = forwarded or DEFAULT_SOURCE_IP
    identity["userAgent"] = find_header(sources.headers, "User-Agent") or DEFAULT_USER_AGENT
    return identity


_Maker = Callable[[ContextSources], Any]
#: How each of this request's own values is made (the other keys hold ``_DEFAULT_CONTEXT``'s):
#: a template that reads two keys has only those two made.
_OWN_VALUES: dict[str, _Maker] = {
    "authorizer": lambda _: {"principalId": None},
    "error": lambda _: _DEFAULT_ERROR.copy(),
    "extendedRequestId": lambda sources: sources.identity.extended_request_id,
    "httpMethod": lambda sources: sources.method,
    "identity": _identity_map,
    "path": lambda sources: f"/{sources.stage}{sources.path}",
    "requestId": lambda sources: sources.identity.request_id,
    "requestOverride": lambda sources: sources.request_override,
    "requestTime": lambda sources: format_request_time(sources.identity.epoch_ms),
    "requestTimeEpoch": lambda sources: sources.identity.epoch_ms,
    "resourcePath": lambda sources: sources.resource,
    "responseOverride": lambda sources: sources.response_override,
    "stage": lambda sources: sources.stage,
}


@lru_cache(maxsize=64)
def _plan(keys: frozenset[str] | None) -> tuple[dict[str, Any], tuple[tuple[str, _Maker], ...]]:
    """The keys to make, in ``$context``'s printed order, with their shared values, and the
    makers of this request's own."""
    wanted = [key for key in _DEFAULT_CONTEXT if keys is None or key in keys]
    return (
        {key: _DEFAULT_CONTEXT[key] for key in wanted},
        tuple((key, _OWN_VALUES[key]) for key in wanted if key in _OWN_VALUES),
    )


def build_context(
    sources: ContextSources, overrides: dict[str, Any], keys: frozenset[str] | None = None
) -> dict[str, Any]:
    """``$context`` for one request. ``overrides`` (nested) replace any default, e.g.
    ``{"identity": {"sourceIp": ...}}``; ``keys``: only these keys (what one template reads),
    else every key."""
    defaults, makers = _plan(keys)
    context = defaults.copy()
    for key, make in makers:
        context[key] = make(sources)
    if overrides:
        _deep_merge(
            context,
            {
                key: _java_lists(value)
                for key, value in overrides.items()
                if key not in OVERRIDE_KEYS and (keys is None or key in keys)
            },
        )
    authorizer = context.get("authorizer")
    if isinstance(authorizer, dict):
        # Lambda authorizer context values always reach templates as strings (spec §6.2).
        for key, value in authorizer.items():
            if key != "claims" and value is not None and not isinstance(value, str | dict | list):
                authorizer[key] = "true" if value is True else "false" if value is False else str(value)
        if isinstance(authorizer.get("claims"), dict):
            # $context.authorizer.claims.X is a claim, but the map itself is null (spec §6.2).
            authorizer["claims"] = NullPrintingMap(authorizer["claims"])
    return context


def _java_lists(value: Any) -> Any:
    """A request file's ``context`` values as ``$context`` holds them: AWS's own values, so
    lists are Java lists (printed ``[a, b]``), not JSON arrays. Copied without recursion:
    the JSON reader takes nesting deeper than Python's stack."""
    root: list[Any] = [None]
    pending: list[tuple[Any, Any, Any]] = [(value, root, 0)]  # (value, its new holder, key)
    while pending:
        item, holder, key = pending.pop()
        if isinstance(item, list):
            copy: Any = ArrayList([None] * len(item))
            pending.extend((child, copy, index) for index, child in enumerate(item))
        elif isinstance(item, dict):
            copy = dict.fromkeys(item)  # the keys in their order; values filled in below
            pending.extend((child, copy, name) for name, child in item.items())
        else:
            copy = item
        holder[key] = copy
    return root[0]


def _deep_merge(target: dict[str, Any], overrides: dict[str, Any]) -> None:
    for key, value in overrides.items():
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            _deep_merge(current, value)
        else:
            target[key] = value
