"""Integration definitions: an ``x-amazon-apigateway-integration`` object (spec §10.1), or the
``Integration`` property of a CloudFormation ``AWS::ApiGateway::Method`` (§10.2), read
strictly into :class:`Integration`.

Unknown keys and malformed values are :class:`~apigw_cli.errors.DefinitionError` naming the
file and the key, as API Gateway refuses them at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from apigw_cli.documents import kind_of, load_document
from apigw_cli.errors import DefinitionError

TYPES = ("MOCK", "HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY")
PASSTHROUGH_BEHAVIORS = ("WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER")
CONTENT_HANDLINGS = ("CONVERT_TO_TEXT", "CONVERT_TO_BINARY")
PAYLOAD_FORMATS = ("1.0", "2.0")
#: PutIntegration's default and bounds (spec §6.9, §10.1): 50 ms to 29 s, more for Regional
#: APIs by quota request; apigw accepts up to Lambda's own 15 minutes.
DEFAULT_TIMEOUT_MS = 29_000
MIN_TIMEOUT_MS = 50
MAX_TIMEOUT_MS = 900_000

_OPENAPI_KEYS = frozenset(
    {"type", "uri", "httpMethod", "credentials", "requestParameters", "requestTemplates", "passthroughBehavior",
     "contentHandling", "timeoutInMillis", "cacheNamespace", "cacheKeyParameters", "connectionType", "connectionId",
     "tlsConfig", "responses", "payloadFormatVersion", "integrationSubtype", "description", "integrationTarget",
     "responseTransferMode"}
)  # fmt: skip
_OPENAPI_RESPONSE_KEYS = frozenset({"statusCode", "responseParameters", "responseTemplates", "contentHandling"})
#: CloudFormation spelling → OpenAPI spelling.
_CLOUDFORMATION_KEYS = {
    "Type": "type", "Uri": "uri", "IntegrationHttpMethod": "httpMethod", "Credentials": "credentials",
    "RequestParameters": "requestParameters", "RequestTemplates": "requestTemplates",
    "PassthroughBehavior": "passthroughBehavior", "ContentHandling": "contentHandling",
    "TimeoutInMillis": "timeoutInMillis", "CacheNamespace": "cacheNamespace",
    "CacheKeyParameters": "cacheKeyParameters", "ConnectionType": "connectionType", "ConnectionId": "connectionId",
    "IntegrationTarget": "integrationTarget", "ResponseTransferMode": "responseTransferMode",
}  # fmt: skip
_CLOUDFORMATION_RESPONSE_KEYS = {
    "StatusCode": "statusCode", "SelectionPattern": "selectionPattern", "ResponseParameters": "responseParameters",
    "ResponseTemplates": "responseTemplates", "ContentHandling": "contentHandling",
}  # fmt: skip
#: ``{name}`` (or greedy ``{name+}``) in an integration URI (spec §8.1).
URI_PATH_VARIABLE = re.compile(r"\{([a-zA-Z0-9._$-]+)\+?\}")
#: Mapping expressions: what API Gateway accepts on each side (spec §2).
_REQUEST_TARGET = re.compile(r"integration\.request\.(header|querystring|path)\.([a-zA-Z0-9._$-]+)")
_RESPONSE_TARGET = re.compile(r"method\.response\.header\.([a-zA-Z0-9._$-]+)")
_REQUEST_SOURCE = re.compile(
    r"method\.request\.(?:(?:path|querystring|multivaluequerystring|header|multivalueheader)\.[a-zA-Z0-9._$-]+"
    r"|body(?:\..+)?)|context\..+|stageVariables\.[a-zA-Z0-9_]+|'[^']*'"
)
_RESPONSE_SOURCE = re.compile(
    r"integration\.response\.(?:(?:header|multivalueheader)\.[a-zA-Z0-9._$-]+|body(?:\..+)?)"
    r"|context\..+|stageVariables\.[a-zA-Z0-9_]+|'[^']*'"
)


@dataclass(frozen=True)
class MappingTemplate:
    """A template's text and the name its errors give (``file[requestTemplates.application/json]``)."""

    text: str
    name: str


@dataclass
class IntegrationResponse:
    """One entry of ``responses``: chosen when ``selection_pattern`` matches (``None``: the default)."""

    status: int
    selection_pattern: str | None = None
    #: ``method.response.header.X`` → source expression.
    parameters: dict[str, str] = field(default_factory=dict)
    #: MIME type → VTL template, in definition order.
    templates: dict[str, MappingTemplate] = field(default_factory=dict)
    content_handling: str | None = None


@dataclass
class Integration:
    """What API Gateway does with a method's requests."""

    type: str
    #: Where errors and template names point: the file (and key) it came from.
    source: str
    uri: str | None = None
    http_method: str | None = None
    #: The execution role an AWS integration's requests are signed as (on AWS).
    credentials: str | None = None
    #: ``integration.request.header|querystring|path.X`` → source expression.
    request_parameters: dict[str, str] = field(default_factory=dict)
    request_templates: dict[str, MappingTemplate] = field(default_factory=dict)
    passthrough_behavior: str = "WHEN_NO_MATCH"
    content_handling: str | None = None
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    #: In definition order: AWS picks the first match (spec §4).
    responses: list[IntegrationResponse] = field(default_factory=list)
    #: ``tlsConfig.insecureSkipVerification``.
    insecure_tls: bool = False
    #: Lambda proxy payload format; ``2.0`` is what HTTP APIs send.
    payload_format: str = "1.0"

    @property
    def is_proxy(self) -> bool:
        return self.type in ("HTTP_PROXY", "AWS_PROXY")

    def ensure_default_response(self) -> IntegrationResponse:
        """The default response, created (200) if there is none."""
        response = default_response(self.responses)
        if response is None:
            response = IntegrationResponse(status=200)
            self.responses.append(response)
        return response

    def with_console_defaults(self) -> Integration:
        """What the console sets up when it creates an integration: each ``{name}`` of the
        ``uri`` mapped from the method's path parameter of that name, and, for a non-proxy
        type, a default 200 response."""
        for name in URI_PATH_VARIABLE.findall(self.uri or ""):
            self.request_parameters.setdefault(f"integration.request.path.{name}", f"method.request.path.{name}")
        if self.type == "AWS" and self.http_method is None:
            self.http_method = "POST"  # what Lambda invocations and service actions take
        if not self.is_proxy:
            self.ensure_default_response()
        return self

    def with_overrides(self, **changes: Any) -> Integration:
        """A copy with the given fields replaced (command-line shortcuts)."""
        return replace(self, **{name: value for name, value in changes.items() if value is not None})


def default_response(responses: list[IntegrationResponse]) -> IntegrationResponse | None:
    """The response without a selection pattern."""
    return next((response for response in responses if response.selection_pattern is None), None)


def load_integration(path: str) -> Integration:
    """Read an integration file (YAML or JSON)."""
    return integration_from_mapping(load_document(path, what="integration file"), path)


def integration_from_mapping(data: Any, source: str) -> Integration:
    """An integration object: OpenAPI's ``x-amazon-apigateway-integration`` (bare, or under
    that key) or CloudFormation's ``Integration`` (bare, or under that key)."""
    if isinstance(data, dict) and len(data) == 1:
        key = next(iter(data))
        if key in ("x-amazon-apigateway-integration", "Integration"):
            data, source = data[key], f"{source}: {key}"
    if not isinstance(data, dict):
        raise DefinitionError(f"{source}: an integration must be a mapping, not {kind_of(data)}")
    if "Type" in data and "type" not in data:
        data = _from_cloudformation(data, source)
    return _Reader(data, source).integration()


def _from_cloudformation(data: dict[str, Any], source: str) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    for key, value in data.items():
        if key == "IntegrationResponses":
            converted["responses"] = _cloudformation_responses(value, source)
        elif key in _CLOUDFORMATION_KEYS:
            converted[_CLOUDFORMATION_KEYS[key]] = value
        else:
            raise DefinitionError(
                f"{source}: unknown key '{key}' in the integration",
                hint="allowed keys: " + ", ".join(sorted([*_CLOUDFORMATION_KEYS, "IntegrationResponses"])),
            )
    return converted


def _cloudformation_responses(value: Any, source: str) -> dict[str, Any]:
    if not isinstance(value, list):
        raise DefinitionError(f"{source}: key 'IntegrationResponses': expected a list, got {kind_of(value)}")
    responses: dict[str, Any] = {}
    for index, item in enumerate(value):
        where = f"{source}: IntegrationResponses[{index}]"
        if not isinstance(item, dict):
            raise DefinitionError(f"{where}: expected a mapping, got {kind_of(item)}")
        unknown = sorted(str(key) for key in item if key not in _CLOUDFORMATION_RESPONSE_KEYS)
        if unknown:
            raise DefinitionError(f"{where}: unknown key '{unknown[0]}'")
        entry = {_CLOUDFORMATION_RESPONSE_KEYS[key]: item[key] for key in item}
        pattern = entry.pop("selectionPattern", None)
        key = "default" if pattern in (None, "") else str(pattern)
        if key in responses:
            raise DefinitionError(f"{where}: selection pattern {key!r} is given twice")
        responses[key] = entry
    return responses


class _Reader:
    """Typed access to an integration mapping, with errors that name the file and key."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source

    def error(self, key: str, message: str) -> DefinitionError:
        return DefinitionError(f"{self.source}: key '{key}': {message}")

    def integration(self) -> Integration:
        unknown = sorted(str(key) for key in self.data if key not in _OPENAPI_KEYS)
        if unknown:
            raise DefinitionError(
                f"{self.source}: unknown key '{unknown[0]}' in the integration",
                hint="allowed keys: " + ", ".join(sorted(_OPENAPI_KEYS)),
            )
        if "type" not in self.data:
            raise DefinitionError(f"{self.source}: the integration needs a 'type' ({', '.join(TYPES).lower()})")
        timeout = self.data.get("timeoutInMillis", DEFAULT_TIMEOUT_MS)
        if not isinstance(timeout, int) or isinstance(timeout, bool) or not MIN_TIMEOUT_MS <= timeout <= MAX_TIMEOUT_MS:
            raise self.error(
                "timeoutInMillis", f"expected milliseconds from {MIN_TIMEOUT_MS} to {MAX_TIMEOUT_MS}, got {timeout!r}"
            )
        tls = self.data.get("tlsConfig") or {}
        if not isinstance(tls, dict):
            raise self.error("tlsConfig", f"expected a mapping, got {kind_of(tls)}")
        http_method = self.optional_text("httpMethod")
        return Integration(
            type=self.choice("type", self.data.get("type"), TYPES, required=True) or "",
            source=self.source,
            uri=self.optional_text("uri"),
            http_method=http_method.upper() if http_method else None,
            credentials=self.optional_text("credentials"),
            request_parameters=self.mappings(
                "requestParameters", self.data.get("requestParameters"), _REQUEST_TARGET, _REQUEST_SOURCE
            ),
            request_templates=self.templates("requestTemplates", self.data.get("requestTemplates")),
            passthrough_behavior=self.choice(
                "passthroughBehavior", self.data.get("passthroughBehavior"), PASSTHROUGH_BEHAVIORS
            )
            or "WHEN_NO_MATCH",
            content_handling=self.choice("contentHandling", self.data.get("contentHandling"), CONTENT_HANDLINGS),
            timeout_ms=timeout,
            responses=self.responses(),
            insecure_tls=tls.get("insecureSkipVerification") is True,
            payload_format=self.payload_format(),
        )

    def payload_format(self) -> str:
        value = self.data.get("payloadFormatVersion", "1.0")
        text = f"{value:.1f}" if isinstance(value, float) else str(value)
        if text not in PAYLOAD_FORMATS:
            raise self.error("payloadFormatVersion", f"expected 1.0 or 2.0, got {value!r}")
        return text

    def optional_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.error(key, f"expected text, got {kind_of(value)}")
        return str(value)

    def choice(self, key: str, value: Any, allowed: tuple[str, ...], *, required: bool = False) -> str | None:
        """An enumerated value; OpenAPI writes them in lower case, the API in upper case."""
        if value is None and not required:
            return None
        text = str(value).upper() if isinstance(value, str) else None
        if text not in allowed:
            raise self.error(key, f"expected one of {', '.join(allowed)}, got {value!r}")
        return text

    def mappings(self, key: str, value: Any, targets: re.Pattern[str], sources: re.Pattern[str]) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"expected a mapping of targets to sources, got {kind_of(value)}")
        result: dict[str, str] = {}
        for target, expression in value.items():
            if not isinstance(target, str) or not targets.fullmatch(target):
                raise self.error(f"{key}.{target}", f"invalid mapping target; expected {_describe(targets)}")
            if not isinstance(expression, str) or not sources.fullmatch(expression):
                raise self.error(
                    f"{key}.{target}",
                    f"invalid mapping expression {expression!r}; expected {_describe(sources)}",
                )
            result[target] = expression
        return result

    def templates(self, key: str, value: Any) -> dict[str, MappingTemplate]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"expected a mapping of content types to templates, got {kind_of(value)}")
        result: dict[str, MappingTemplate] = {}
        for content_type, template in value.items():
            if not isinstance(content_type, str) or "/" not in content_type:
                raise self.error(f"{key}.{content_type}", "expected a content type such as application/json")
            if template is None:
                template = ""  # an empty template: how to map some types and pass others through (§3.2)
            if not isinstance(template, str):
                raise self.error(f"{key}.{content_type}", f"expected the template's text, got {kind_of(template)}")
            result[content_type] = MappingTemplate(template, f"{self.source}[{key}.{content_type}]")
        return result

    def responses(self) -> list[IntegrationResponse]:
        value = self.data.get("responses")
        if value is None:
            return []
        if not isinstance(value, dict):
            raise self.error(
                "responses", f"expected a mapping of selection patterns to responses, got {kind_of(value)}"
            )
        responses = []
        for pattern, entry in value.items():
            key = f"responses.{pattern}"
            if not isinstance(entry, dict):
                raise self.error(key, f"expected a mapping, got {kind_of(entry)}")
            unknown = sorted(str(name) for name in entry if name not in _OPENAPI_RESPONSE_KEYS)
            if unknown:
                raise self.error(
                    f"{key}.{unknown[0]}", "unknown key; allowed: " + ", ".join(sorted(_OPENAPI_RESPONSE_KEYS))
                )
            status = str(entry.get("statusCode", ""))
            if not re.fullmatch(r"[1-5][0-9][0-9]", status):
                raise self.error(f"{key}.statusCode", f"expected an HTTP status from 100 to 599, got {status!r}")
            responses.append(
                IntegrationResponse(
                    status=int(status),
                    selection_pattern=None if pattern == "default" else str(pattern),
                    parameters=self.mappings(
                        f"{key}.responseParameters", entry.get("responseParameters"), _RESPONSE_TARGET, _RESPONSE_SOURCE
                    ),
                    templates=self.templates(f"{key}.responseTemplates", entry.get("responseTemplates")),
                    content_handling=self.choice(
                        f"{key}.contentHandling", entry.get("contentHandling"), CONTENT_HANDLINGS
                    ),
                )
            )
        return responses


def _describe(pattern: re.Pattern[str]) -> str:
    if pattern is _REQUEST_TARGET:
        return "integration.request.header|querystring|path.NAME"
    if pattern is _RESPONSE_TARGET:
        return "method.response.header.NAME"
    if pattern is _REQUEST_SOURCE:
        return (
            "method.request.path|querystring|header|multivaluequerystring|multivalueheader.NAME, "
            "method.request.body[.PATH], context.NAME, stageVariables.NAME or 'literal'"
        )
    return (
        "integration.response.header|multivalueheader.NAME, integration.response.body[.PATH], "
        "context.NAME, stageVariables.NAME or 'literal'"
    )
