"""AWS_PROXY: the event a Lambda proxy integration sends (payload format 1.0 for REST APIs,
2.0 as HTTP APIs send it), and how API Gateway reads the function's answer (spec §7).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from apigw_cli.documents import kind_of
from apigw_cli.integrations.http import url_quote
from apigw_cli.models import MultiValues, Request, Response, header_key, header_problem, last_values

#: The only keys a payload 1.0 proxy response may have (spec §7.3).
RESPONSE_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})
#: Header names the event spells canonically whatever the client sent (recorded, spec §7.1).
_CANONICAL_HEADERS = {"authorization": "Authorization", "user-agent": "User-Agent"}
#: Request headers a Lambda integration drops (spec §8.2, the Lambda column).
_DROPPED_FOR_LAMBDA = frozenset(
    {"connection", "expect", "proxy-authenticate", "te", "trailer", "upgrade", "content-md5", "max-forwards",
     "server", "transfer-encoding", "www-authenticate"}
)  # fmt: skip
#: ``requestContext`` keys, in the order AWS emits them (recorded 2024, spec §7.1).
_CONTEXT_KEYS = (
    "accountId", "apiId", "authorizer", "deploymentId", "domainName", "domainPrefix", "extendedRequestId",
    "httpMethod", "identity", "path", "protocol", "requestId", "requestTime", "requestTimeEpoch", "resourceId",
    "resourcePath", "stage",
)  # fmt: skip
_IDENTITY_KEYS = (
    "accessKey", "accountId", "caller", "cognitoAuthenticationProvider", "cognitoAuthenticationType",
    "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId", "sourceIp", "user", "userAgent", "userArn",
)  # fmt: skip
#: Identity fields present only with the feature that fills them (API keys, mutual TLS...).
_OPTIONAL_IDENTITY_KEYS = ("apiKey", "apiKeyId", "clientCert", "vpcId", "vpceId")
#: ``$context`` keys that never reach the event (template-only or access-log-only).
_NOT_IN_EVENT = frozenset(
    {"requestOverride", "responseOverride", "error", "isCanaryRequest", "wafResponseCode", "webaclArn",
     "awsEndpointRequestId"}
)  # fmt: skip


class MalformedProxyResponse(ValueError):
    """The function's answer is not a proxy response API Gateway accepts: 502."""


def _event_body(request: Request, binary: bool) -> tuple[str | None, bool]:
    if request.body is None:
        return None, False
    if binary:
        raw = base64.b64decode(request.body) if request.is_base64_encoded else request.body.encode()
        return base64.b64encode(raw).decode("ascii"), True
    return request.body_text(), False


def _request_context(context: dict[str, Any], request: Request) -> dict[str, Any]:
    """``$context`` as the event's ``requestContext``: the recorded keys, the identity's
    feature-dependent fields when set, and any extra key the request file gave."""
    result: dict[str, Any] = {}
    for key in _CONTEXT_KEYS:
        value = context.get(key)
        if key == "authorizer":
            if isinstance(value, dict) and any(item is not None for item in value.values()):
                result[key] = {name: item for name, item in value.items() if item is not None}
        elif key == "identity":
            identity = value if isinstance(value, dict) else {}
            result[key] = {name: identity.get(name) for name in _IDENTITY_KEYS}
            result[key].update(
                {name: identity[name] for name in _OPTIONAL_IDENTITY_KEYS if identity.get(name) is not None}
            )
        else:
            result[key] = value
    for key, value in request.context.items():
        if key not in result and key not in _NOT_IN_EVENT:
            result[key] = value
    return result


def event_headers(request: Request, added: MultiValues) -> MultiValues:
    """The client's headers as the event spells them, minus those API Gateway does not pass
    to Lambda (spec §8.2), then those it adds; its own ``Host`` replaces the client's."""
    headers: MultiValues = {}
    for name, values in request.headers.items():
        if name.lower() not in _DROPPED_FOR_LAMBDA:
            headers.setdefault(_CANONICAL_HEADERS.get(name.lower(), name), []).extend(values)
    for name, values in added.items():
        key = header_key(headers, name)
        if key not in headers or name.lower() == "host":
            headers[key] = values
    return headers


def proxy_event_v1(request: Request, context: dict[str, Any], headers: MultiValues, *, binary: bool) -> dict[str, Any]:
    """The payload 1.0 event, keys in AWS's order; empty maps are ``null`` (spec §7.1)."""
    body, encoded = _event_body(request, binary)
    return {
        "resource": request.resource,
        "path": request.routed_path,
        "httpMethod": request.method,
        "headers": last_values(headers) or None,
        "multiValueHeaders": {name: list(values) for name, values in headers.items()} or None,
        "queryStringParameters": last_values(request.query) or None,
        "multiValueQueryStringParameters": {name: list(values) for name, values in request.query.items()} or None,
        "pathParameters": dict(request.path_parameters) or None,
        "stageVariables": dict(request.stage_variables) or None,
        "requestContext": _request_context(context, request),
        "body": body,
        "isBase64Encoded": encoded,
    }


def proxy_event_v2(request: Request, context: dict[str, Any], headers: MultiValues, *, binary: bool) -> dict[str, Any]:
    """The payload 2.0 event of HTTP APIs (spec §7.2): lower-case headers and repeated values
    joined with commas, cookies apart; absent parts are left out. ``rawPath`` carries the
    stage, as HTTP APIs' named stages do (unconfirmed for REST-style paths)."""
    body, encoded = _event_body(request, binary)
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, values in headers.items():
        if name.lower() == "cookie":
            cookies.extend(part.strip() for value in values for part in value.split(";") if part.strip())
        else:
            joined[name.lower()] = ",".join([joined[name.lower()], *values] if name.lower() in joined else values)
    raw_path = request.path if request.stage == "$default" else f"/{request.stage}{request.path}"
    route_key = f"{request.method} {request.resource}"
    identity = context.get("identity")
    if not isinstance(identity, dict):
        identity = {}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": "&".join(
            f"{url_quote(name)}={url_quote(value)}" for name, values in request.query.items() for value in values
        ),
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = joined
    if request.query:
        event["queryStringParameters"] = {name: ",".join(values) for name, values in request.query.items()}
    event["requestContext"] = {
        "accountId": context.get("accountId"),
        "apiId": context.get("apiId"),
        "domainName": context.get("domainName"),
        "domainPrefix": context.get("domainPrefix"),
        "http": {
            "method": request.method,
            "path": raw_path,
            "protocol": context.get("protocol"),
            "sourceIp": identity.get("sourceIp"),
            "userAgent": identity.get("userAgent"),
        },
        "requestId": context.get("requestId"),
        "routeKey": route_key,
        "stage": request.stage,
        "time": context.get("requestTime"),
        "timeEpoch": context.get("requestTimeEpoch"),
    }
    if body is not None:
        event["body"] = body
    if request.path_parameters:
        event["pathParameters"] = dict(request.path_parameters)
    event["isBase64Encoded"] = encoded
    if request.stage_variables:
        event["stageVariables"] = dict(request.stage_variables)
    return event


def read_proxy_response_v1(payload: bytes, *, binary_accept: bool) -> tuple[Response, list[str]]:
    """The function's payload 1.0 answer as the method response, validated as AWS does, and
    the header names it gives both in ``headers`` and ``multiValueHeaders``."""
    document = _json(payload)
    if not isinstance(document, dict):
        raise MalformedProxyResponse(f"the function returned {kind_of(document)}, not an object")
    unknown = sorted(str(key) for key in document if key not in RESPONSE_KEYS)
    if unknown:
        raise MalformedProxyResponse(f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(RESPONSE_KEYS))})")
    headers = _multi_value_headers(document.get("multiValueHeaders"))
    both_ways = []
    for name, value in _single_headers(document.get("headers")).items():
        # Both given: the recording shows both values, multi first, under the multi key's
        # spelling (the docs say only the multi values; spec §7.3).
        key = header_key(headers, name)
        if key in headers:
            both_ways.append(key)
        headers.setdefault(key, []).append(value)
    body = document.get("body")
    if body is not None and not isinstance(body, str):
        raise MalformedProxyResponse(f"body must be a string, not {kind_of(body)}")
    encoded = document.get("isBase64Encoded")
    if encoded is not None and not isinstance(encoded, bool):
        raise MalformedProxyResponse(f"isBase64Encoded must be true or false, not {kind_of(encoded)}")
    response = Response(status=_status(document.get("statusCode")), headers=headers, body=body or "")
    if encoded and binary_accept:
        _set_base64(response)
    return response, both_ways


def read_proxy_response_v2(payload: bytes) -> Response:
    """A payload 2.0 answer: with ``statusCode``, a response object (unknown keys ignored,
    unconfirmed); without, the returned value is the JSON body of a 200 (spec §7.2)."""
    document = _json(payload)
    if not isinstance(document, dict) or "statusCode" not in document:
        text = document if isinstance(document, str) else payload.decode("utf-8")
        return Response(status=200, headers={"Content-Type": ["application/json"]}, body=text)
    headers = {name: [value] for name, value in _single_headers(document.get("headers")).items()}
    cookies = document.get("cookies") or []
    if not isinstance(cookies, list) or not all(isinstance(cookie, str) for cookie in cookies):
        raise MalformedProxyResponse("cookies must be a list of strings")
    if cookies:
        headers.setdefault("Set-Cookie", []).extend(cookies)
    body = document.get("body")
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    response = Response(status=_status(document.get("statusCode")), headers=headers, body=body or "")
    if document.get("isBase64Encoded") is True:
        _set_base64(response)
    return response


def _set_base64(response: Response) -> None:
    try:
        base64.b64decode(response.body, validate=True)
    except ValueError:
        raise MalformedProxyResponse("isBase64Encoded is true but the body is not base64") from None
    response.is_base64_encoded = True


def _json(payload: bytes) -> Any:
    """The answer as JSON: UTF-8, and no ``NaN`` (JSON has none; API Gateway's parser refuses
    it, unconfirmed)."""
    try:
        return json.loads(payload.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise MalformedProxyResponse("the function's answer is not JSON") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _status(value: Any) -> int:
    """``statusCode``: a number, or digits as text (``"201"``, recorded); none: 200."""
    if value is None:
        return 200
    if isinstance(value, str) and re.fullmatch(r"\d{1,3}", value.strip(), re.ASCII):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 100 <= value <= 599:
        raise MalformedProxyResponse(f"statusCode must be an HTTP status, not {value!r}")
    return value


def _single_headers(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedProxyResponse(f"headers must be an object, not {kind_of(value)}")
    return {str(name): _header_text(name, item) for name, item in value.items()}


def _multi_value_headers(value: Any) -> MultiValues:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedProxyResponse(f"multiValueHeaders must be an object, not {kind_of(value)}")
    headers: MultiValues = {}
    for name, items in value.items():
        if not isinstance(items, list):
            raise MalformedProxyResponse(f"multiValueHeaders.{name} must be a list, not {kind_of(items)}")
        headers[str(name)] = [_header_text(name, item) for item in items]
    return headers


def _header_text(name: Any, value: Any) -> str:
    """A header value: text, or a number or boolean as its JSON text (``true``, recorded)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str | int | float):
        text = str(value)
    else:
        raise MalformedProxyResponse(f"header {name!r} must be a string, not {kind_of(value)}")
    problem = header_problem(str(name), text)
    if problem is not None:  # refused rather than let it forge headers (unconfirmed how AWS words it)
        raise MalformedProxyResponse(problem)
    return text
