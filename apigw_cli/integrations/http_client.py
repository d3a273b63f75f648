"""The HTTP call of HTTP and HTTP_PROXY integrations, with ``http.client`` (no redirects
followed, as API Gateway follows none; imported only when a call is made).

Failures become :class:`ExecutionFailed` with the gateway response AWS gives: a timeout is
504 "Endpoint request timed out" (recorded); the others are unconfirmed and follow
LocalStack: an address that does not resolve, a refused connection or a TLS failure is a
configuration error (500), a connection that breaks mid-exchange 504.
"""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
import threading
import urllib.parse

from apigw_cli.gateway_responses import (
    API_CONFIGURATION_ERROR,
    INTEGRATION_FAILURE,
    INTEGRATION_TIMEOUT,
    MAX_PAYLOAD_BYTES,
)
from apigw_cli.integrations.base import EndpointRequest, ExecutionFailed
from apigw_cli.integrations.http import invalid_endpoint
from apigw_cli.models import MultiValues, Response

#: A backend answer larger than API Gateway's payload limit is refused (unconfirmed how).
MAX_RESPONSE_BYTES = MAX_PAYLOAD_BYTES
_CHUNK = 64 * 1024


def send(
    request: EndpointRequest, *, timeout_s: float, insecure_tls: bool = False, ca_file: str | None = None
) -> Response:
    """Send ``request`` and read the whole answer. The exchange ends at ``timeout_s`` from
    the first byte sent to the last received (a backend that trickles its answer cannot hold
    it open); resolving the host name is the system's and bounded by it alone.

    Redirects are not followed: API Gateway hands a 3xx to the integration response.
    """
    try:
        parts = urllib.parse.urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("expected an http:// or https:// URL")
        host = parts.netloc.rpartition("@")[2]
        host = host if host.isascii() else host.encode("idna").decode("ascii")
        connection = _connection(parts.scheme, parts.hostname, parts.port, timeout_s, insecure_tls, ca_file)
    except (ValueError, UnicodeError, http.client.InvalidURL) as exc:
        raise invalid_endpoint(f"invalid endpoint address {request.url!r}: {exc}") from None
    watchdog = _Watchdog(connection, timeout_s)
    try:
        try:
            status, headers, raw = _exchange(connection, request, host, _target(parts))
        finally:
            watchdog.cancel()
        if watchdog.fired:  # cut off mid-answer: what arrived may even parse
            raise TimeoutError
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise _failure(exc, request, timed_out=watchdog.fired, timeout_s=timeout_s) from None
    finally:
        connection.close()
    return _response(status, headers, raw)


def _target(parts: urllib.parse.SplitResult) -> str:
    """The request target, percent-encoded where the URL holds what HTTP cannot carry
    (spaces, non-ASCII from a stage variable)."""
    path = urllib.parse.quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = urllib.parse.quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    return f"{path}?{query}" if query else path


def _exchange(
    connection: http.client.HTTPConnection, request: EndpointRequest, host: str, target: str
) -> tuple[int, MultiValues, bytes]:
    body = decode_bytes(request)
    connection.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host)
    for name, values in request.headers.items():
        if name.lower() in ("host", "content-length"):
            continue  # set here, from the URL and the body
        for value in values:
            connection.putheader(name, value)
    if body or request.method not in ("GET", "HEAD", "OPTIONS", "DELETE"):
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body or None)
    answer = connection.getresponse()
    raw = _read(answer)
    headers: MultiValues = {}
    for name, value in answer.getheaders():
        headers.setdefault(name, []).append(value)
    return answer.status, headers, raw


def _failure(exc: BaseException, request: EndpointRequest, *, timed_out: bool, timeout_s: float) -> ExecutionFailed:
    """The gateway response for what went wrong on the wire."""
    where = urllib.parse.urlsplit(request.url)
    if timed_out or isinstance(exc, TimeoutError):
        return ExecutionFailed(
            INTEGRATION_TIMEOUT,
            "Execution failed due to a timeout error",
            f"{request.url}: no answer within {timeout_s * 1000:.0f} ms (timeoutInMillis)",
        )
    if isinstance(exc, socket.gaierror):
        return invalid_endpoint(f"{where.hostname}: the host name does not resolve ({exc.strerror})")
    if isinstance(exc, ssl.SSLError):
        return ExecutionFailed(
            API_CONFIGURATION_ERROR,
            "Execution failed due to configuration error: General SSLEngine problem",
            f"{request.url}: TLS failed: {exc.reason or exc}",
        )
    if isinstance(exc, ConnectionRefusedError):
        return ExecutionFailed(
            API_CONFIGURATION_ERROR,
            "Execution failed due to configuration error: Connection refused",
            f"{where.netloc}: connection refused",
        )
    if isinstance(exc, ValueError):  # a header value HTTP cannot carry (a new line, a non-Latin-1 character)
        return ExecutionFailed(
            API_CONFIGURATION_ERROR,
            "Execution failed due to configuration error: Invalid header",
            f"{request.url}: cannot send the request: {exc}",
        )
    return ExecutionFailed(
        INTEGRATION_FAILURE,
        "Execution failed due to a network error communicating with endpoint",
        f"{request.url}: {_describe(exc)}",
    )


class _Watchdog:
    """Shuts the connection down at the deadline, whatever call is blocked on it."""

    def __init__(self, connection: http.client.HTTPConnection, timeout_s: float) -> None:
        self.connection = connection
        self.fired = False
        self.timer = threading.Timer(timeout_s, self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self) -> None:
        self.fired = True
        sock = self.connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        self.timer.cancel()


def _connection(
    scheme: str, host: str, port: int | None, timeout_s: float, insecure_tls: bool, ca_file: str | None
) -> http.client.HTTPConnection:
    if scheme == "http":
        return http.client.HTTPConnection(host, port, timeout=timeout_s)
    try:
        context = ssl.create_default_context(cafile=ca_file)
    except OSError as exc:
        raise ValueError(f"the CA bundle {ca_file}: {exc.strerror or exc}") from None
    if insecure_tls:  # tlsConfig.insecureSkipVerification
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return http.client.HTTPSConnection(host, port, timeout=timeout_s, context=context)


def _read(answer: http.client.HTTPResponse) -> bytes:
    """The response body, refused past API Gateway's payload limit."""
    chunks: list[bytes] = []
    size = 0
    while chunk := answer.read1(_CHUNK):
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            limit = MAX_RESPONSE_BYTES // (1024 * 1024)
            raise http.client.HTTPException(f"the endpoint response is larger than {limit} MB")
        chunks.append(chunk)
    if answer.length:  # the connection closed before the Content-Length it announced
        raise http.client.IncompleteRead(b"".join(chunks), answer.length)
    return b"".join(chunks)


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
    try:
        return request.body.encode("utf-8", "surrogateescape")  # bytes a command line could not decode
    except UnicodeEncodeError:
        return request.body.encode("utf-8", "replace")  # a lone surrogate, as Java writes it: '?'


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionResetError):
        return "the connection was reset"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, http.client.IncompleteRead):
        return f"the connection closed {exc.expected} bytes before the end of the answer"
    if isinstance(exc, http.client.BadStatusLine):
        return f"not an HTTP answer: {str(exc)[:80]!r}"
    return str(exc) or type(exc).__name__
