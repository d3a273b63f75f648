"""Responses API Gateway makes itself when a call cannot complete (spec §9, §7.3), and the
headers it puts on every method response.

Each gateway response comes with the log line AWS writes before ``Method completed with status: N``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from email.utils import formatdate
from typing import TYPE_CHECKING

from apigw_cli.models import MultiValues, Response

if TYPE_CHECKING:
    from apigw_cli.vtl.context import Identity


@dataclass(frozen=True)
class GatewayResponseType:
    name: str
    status: int
    message: str
    #: ``x-amzn-ErrorType`` (only InternalServerErrorException is recorded; the others unconfirmed).
    error_type: str


UNSUPPORTED_MEDIA_TYPE = GatewayResponseType(
    "UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported Media Type", "UnsupportedMediaTypeException"
)
#: A request body a mapping cannot read (``method.request.body.x`` of a non-JSON body); the
#: message is recorded for BAD_REQUEST_BODY, its use here follows LocalStack (unconfirmed).
BAD_REQUEST_BODY = GatewayResponseType("BAD_REQUEST_BODY", 400, "Invalid request body", "BadRequestException")
#: No resource or method matches the request (spec §1, §9; the error type is unconfirmed).
MISSING_AUTHENTICATION_TOKEN = GatewayResponseType(
    "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token", "MissingAuthenticationTokenException"
)
#: Bodies over 10 MB (spec §6.9, §9: not customizable; the message is unconfirmed).
REQUEST_TOO_LARGE = GatewayResponseType(
    "REQUEST_TOO_LARGE", 413, "HTTP content length exceeded 10485760 bytes.", "RequestTooLargeException"
)
#: API Gateway's payload limit (spec §6.9).
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
API_CONFIGURATION_ERROR = GatewayResponseType(
    "API_CONFIGURATION_ERROR", 500, "Internal server error", "InternalServerErrorException"
)
#: The gateway-responses reference lists 504 for INTEGRATION_FAILURE; what AWS sends for a
#: refused connection is unconfirmed (spec §8.3).
INTEGRATION_FAILURE = GatewayResponseType(
    "INTEGRATION_FAILURE", 504, "Internal server error", "InternalServerErrorException"
)
INTEGRATION_TIMEOUT = GatewayResponseType(
    "INTEGRATION_TIMEOUT", 504, "Endpoint request timed out", "InternalServerErrorException"
)
#: Lambda proxy failures: 502 with a spaced body, recorded (spec §7.3).
LAMBDA_PROXY_FAILURE = GatewayResponseType(
    "LAMBDA_PROXY_FAILURE", 502, "Internal server error", "InternalServerErrorException"
)


def gateway_response(kind: GatewayResponseType) -> Response:
    """The default response of ``kind``: ``{"message":...}`` from the default gateway-response
    template, which writes no space; Lambda proxy failures come with one (both recorded)."""
    separators = (", ", ": ") if kind is LAMBDA_PROXY_FAILURE else (",", ":")
    return Response(
        status=kind.status,
        headers={"Content-Type": ["application/json"], "x-amzn-ErrorType": [kind.error_type]},
        body=json.dumps({"message": kind.message}, separators=separators),
    )


def standard_headers(response: Response, identity: Identity, *, trace: bool) -> MultiValues:
    """The method response's headers as a client sees them: API Gateway's own around the
    integration's; every response has a ``Content-Type`` (spec §8.2). ``trace``: add
    ``X-Amzn-Trace-Id`` (not on HTTP_PROXY responses)."""
    own = {name.lower(): values for name, values in response.headers.items()}
    headers: MultiValues = {
        "Date": [formatdate(identity.epoch_ms / 1000, usegmt=True)],
        "Content-Type": own.get("content-type", ["application/json"]),
        "Content-Length": [str(len(_body_bytes(response)))],
        "x-amzn-RequestId": [identity.request_id],
    }
    for name, values in response.headers.items():
        if name.lower() not in ("date", "content-type", "content-length", "x-amzn-requestid"):
            headers[name] = values
    headers["x-amz-apigw-id"] = [identity.extended_request_id]
    if trace:
        headers["X-Amzn-Trace-Id"] = [trace_id(identity)]
    return headers


def trace_id(identity: Identity) -> str:
    return f"Root=1-{identity.epoch_ms // 1000:08x}-{identity.request_id.replace('-', '')[:24]}"


def _body_bytes(response: Response) -> bytes:
    if response.is_base64_encoded:
        try:
            return base64.b64decode(response.body)
        except binascii.Error:
            return response.body.encode()
    return response.body.encode("utf-8", errors="replace")
