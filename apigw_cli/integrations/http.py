"""HTTP and HTTP_PROXY backends: a real HTTP call, and API Gateway's header rules (spec §8).

Failures become :class:`BackendFailure` with the gateway response AWS gives: a timeout is
504 "Endpoint request timed out" (recorded); the others are unconfirmed and follow
LocalStack: an address that does not resolve, a refused connection or a TLS failure is a
configuration error (500), a connection that breaks mid-exchange 504.
"""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
import time
import urllib.parse

from apigw_cli.gateway_responses import API_CONFIGURATION_ERROR, INTEGRATION_FAILURE, INTEGRATION_TIMEOUT
from apigw_cli.integrations.base import BackendFailure, EndpointRequest
from apigw_cli.models import MultiValues, Response

#: API Gateway's payload limit (spec §6.9); a larger backend answer is refused (unconfirmed how).
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024

#: Request headers API Gateway never forwards (spec §8.2; ``Host`` is set to the endpoint's,
#: ``Content-Length`` regenerated from the body).
_DROPPED_FROM_REQUEST = frozenset(
    {"host", "content-length", "expect", "proxy-authenticate", "te", "trailer", "upgrade", "content-md5",
     "max-forwards", "server", "transfer-encoding", "via", "www-authenticate"}
)  # fmt: skip
#: HTTP_PROXY also drops ``Content-Encoding`` (spec §8.2).
_DROPPED_FROM_PROXY_REQUEST = _DROPPED_FROM_REQUEST | {"content-encoding"}
#: Backend response headers a proxy integration renames to ``X-Amzn-Remapped-<name>``.
_REMAPPED_IN_RESPONSE = frozenset(
    {"authorization", "connection", "content-md5", "date", "max-forwards", "server", "user-agent", "www-authenticate"}
)
_DROPPED_FROM_RESPONSE = frozenset(
    {"expect", "proxy-authenticate", "te", "trailer", "upgrade", "host", "transfer-encoding", "via", "content-length"}
)


def forwarded_request_headers(headers: MultiValues) -> MultiValues:
    """The client's headers as HTTP_PROXY forwards them."""
    return {name: list(values) for name, values in headers.items() if name.lower() not in _DROPPED_FROM_PROXY_REQUEST}


def without_unforwardable(headers: MultiValues) -> MultiValues:
    """Mapped headers minus those API Gateway never sends (it sets ``Host`` and ``Content-Length``)."""
    return {name: values for name, values in headers.items() if name.lower() not in _DROPPED_FROM_REQUEST}


def proxied_response_headers(headers: MultiValues) -> MultiValues:
    """Backend (or Lambda proxy) response headers as the client gets them: some renamed
    ``X-Amzn-Remapped-<name>`` (API Gateway sets its own ``Date``...), some dropped."""
    result: MultiValues = {}
    for name, values in headers.items():
        lowered = name.lower()
        if lowered in _DROPPED_FROM_RESPONSE:
            continue
        key = f"X-Amzn-Remapped-{name}" if lowered in _REMAPPED_IN_RESPONSE else name
        result.setdefault(key, []).extend(values)
    return result


def send(request: EndpointRequest, *, timeout_s: float, insecure_tls: bool = False) -> Response:
    """Send ``request`` and read the whole answer within ``timeout_s`` seconds.

    Redirects are not followed: API Gateway hands a 3xx to the integration response.
    """
    parts = urllib.parse.urlsplit(request.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BackendFailure(
            API_CONFIGURATION_ERROR,
            "Execution failed due to configuration error: Invalid endpoint address",
            f"invalid endpoint address {request.url!r}: expected an http:// or https:// URL",
        )
    deadline = time.monotonic() + timeout_s
    try:
        port = parts.port
    except ValueError:
        raise BackendFailure(
            API_CONFIGURATION_ERROR,
            "Execution failed due to configuration error: Invalid endpoint address",
            f"invalid endpoint address {request.url!r}: bad port",
        ) from None
    connection = _connection(parts.scheme, parts.hostname, port, timeout_s, insecure_tls)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = decode_bytes(request)
    try:
        connection.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", parts.netloc.rpartition("@")[2])
        for name, values in request.headers.items():
            if name.lower() in ("host", "content-length"):
                continue  # set here, from the URL and the body
            for value in values:
                connection.putheader(name, value)
        if body or request.method not in ("GET", "HEAD", "OPTIONS", "DELETE"):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        answer = connection.getresponse()
        raw = _read(answer, connection, deadline)
        headers: MultiValues = {}
        for name, value in answer.getheaders():
            headers.setdefault(name, []).append(value)
        return _response(answer.status, headers, raw)
    except TimeoutError:
        raise BackendFailure(
            INTEGRATION_TIMEOUT,
            "Execution failed due to a timeout error",
            f"{request.url}: no answer within {timeout_s * 1000:.0f} ms (timeoutInMillis)",
        ) from None
    except socket.gaierror as exc:
        raise BackendFailure(
            API_CONFIGURATION_ERROR,
            "Execution failed due to configuration error: Invalid endpoint address",
            f"{parts.hostname}: the host name does not resolve ({exc.strerror})",
        ) from None
    except ssl.SSLError as exc:
        raise BackendFailure(
            API_CONFIGURATION_ERROR,
            "Execution failed due to configuration error: General SSLEngine problem",
            f"{request.url}: TLS failed: {exc.reason or exc}",
        ) from None
    except ConnectionRefusedError:
        raise BackendFailure(
            API_CONFIGURATION_ERROR,
            "Execution failed due to configuration error: Connection refused",
            f"{parts.netloc}: connection refused",
        ) from None
    except (OSError, http.client.HTTPException) as exc:
        raise BackendFailure(
            INTEGRATION_FAILURE,
            "Execution failed due to a network error communicating with endpoint",
            f"{request.url}: {_describe(exc)}",
        ) from None
    finally:
        connection.close()


def _connection(
    scheme: str, host: str, port: int | None, timeout_s: float, insecure_tls: bool
) -> http.client.HTTPConnection:
    if scheme == "http":
        return http.client.HTTPConnection(host, port, timeout=timeout_s)
    context = ssl.create_default_context()
    if insecure_tls:  # tlsConfig.insecureSkipVerification
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return http.client.HTTPSConnection(host, port, timeout=timeout_s, context=context)


def _read(answer: http.client.HTTPResponse, connection: http.client.HTTPConnection, deadline: float) -> bytes:
    """The response body, giving up at ``deadline`` even if the backend keeps trickling."""
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        if connection.sock is not None:
            connection.sock.settimeout(remaining)
        chunk = answer.read1(_CHUNK) if not answer.isclosed() else b""
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise http.client.HTTPException(
                f"the endpoint response is larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MB"
            )
        chunks.append(chunk)


def _response(status: int, headers: MultiValues, raw: bytes) -> Response:
    """A backend answer: text when it is UTF-8, else base64 of the bytes."""
    try:
        return Response(status=status, headers=headers, body=raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Response(
            status=status, headers=headers, body=base64.b64encode(raw).decode("ascii"), is_base64_encoded=True
        )


def decode_bytes(request: EndpointRequest) -> bytes:
    """The raw bytes of an endpoint request's body."""
    if request.is_base64_encoded:
        return base64.b64decode(request.body)
    return request.body.encode("utf-8")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionResetError):
        return "the connection was reset"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, http.client.BadStatusLine):
        return f"not an HTTP answer: {str(exc)[:80]!r}"
    return str(exc) or type(exc).__name__
