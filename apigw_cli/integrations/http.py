"""API Gateway's rules for HTTP and HTTP_PROXY integrations (spec §8): the URL it calls,
the headers it forwards, adds, drops or renames. The call itself is in
:mod:`apigw_cli.integrations.http_client`.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from apigw_cli.definitions.integration import URI_PATH_VARIABLE
from apigw_cli.gateway_responses import API_CONFIGURATION_ERROR
from apigw_cli.integrations.base import ExecutionFailed
from apigw_cli.models import MultiValues, find_header, header_key

#: ``${stageVariables.name}`` in an integration URI (spec §8.1).
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([a-zA-Z0-9_]+)\}")
#: Characters a path parameter keeps as they are in the URI (``/`` for greedy ``{proxy+}``).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"

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


def endpoint_url(uri: str, path: dict[str, str], stage_variables: dict[str, str], query: list[tuple[str, str]]) -> str:
    """The URL to call: ``${stageVariables.x}`` and ``{name}`` filled in, the query appended.
    A path value is URL-decoded and encoded again, as API Gateway does (spec §8.1)."""
    url = _STAGE_VARIABLE.sub(lambda match: stage_variables.get(match.group(1), ""), uri)
    missing = [name for name in URI_PATH_VARIABLE.findall(url) if name not in path]
    if missing:
        name = missing[0]
        raise invalid_endpoint(
            f"the uri's {{{name}}} has no value: map integration.request.path.{name} in requestParameters"
        )
    before, mark, after = url.partition("?")
    # In the query a value is one parameter's: "&", "=" and "+" in it are encoded too.
    url = _fill(before, path, _PATH_SAFE) + mark + _fill(after, path, "")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unclosed IPv6 bracket...
        raise invalid_endpoint(f"invalid endpoint address {url!r}: {exc}") from None
    if not query:
        return url
    extra = "&".join(f"{url_quote(name)}={url_quote(value)}" for name, value in query)
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


def _fill(text: str, path: dict[str, str], safe: str) -> str:
    return URI_PATH_VARIABLE.sub(lambda match: url_quote(unquote(path[match.group(1)]), safe), text)


def url_quote(text: str, safe: str = "") -> str:
    r"""Percent-encode ``text`` as UTF-8; bytes a command line could not decode are encoded as
    they were given, and lone surrogates as ``?``.

    >>> url_quote("a b/é"), url_quote("x\udcff")
    ('a%20b%2F%C3%A9', 'x%FF')
    """
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "replace")
    return quote(raw, safe=safe)


def integration_request_headers(
    mapped: MultiValues, *, content_type: str | None, api_id: str, trace_id: str
) -> MultiValues:
    """HTTP (non-proxy): only mapped headers reach the backend, plus API Gateway's own and the
    client's ``Content-Type`` when a body goes (which ones is unconfirmed; these are what
    execution logs and LocalStack show)."""
    headers = {name: values for name, values in mapped.items() if name.lower() not in _DROPPED_FROM_REQUEST}
    own = [
        ("Content-Type", content_type),
        ("Accept", "application/json"),
        ("User-Agent", f"AmazonAPIGateway_{api_id}"),
        ("x-amzn-apigateway-api-id", api_id),
        ("X-Amzn-Trace-Id", trace_id),
    ]
    for name, value in own:
        if value is not None and find_header(headers, name) is None:
            headers[name] = [value]
    return headers


def proxy_request_headers(client: MultiValues, mapped: MultiValues, added: MultiValues, host: str) -> MultiValues:
    """HTTP_PROXY: the client's headers but those never forwarded, mapped ones replacing
    theirs (spec §2.1), API Gateway's added ones, and the endpoint's ``Host`` (§8.2)."""
    headers = {name: list(values) for name, values in client.items() if name.lower() not in _DROPPED_FROM_PROXY_REQUEST}
    for name, values in mapped.items():
        headers[header_key(headers, name)] = values
    for name, values in added.items():
        if find_header(headers, name) is None:
            headers[name] = values
    headers["Host"] = [host]
    return headers


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


def invalid_endpoint(detail: str) -> ExecutionFailed:
    """An endpoint address that cannot be called (spec §8.3; AWS's answer unconfirmed)."""
    return ExecutionFailed(
        API_CONFIGURATION_ERROR, "Execution failed due to configuration error: Invalid endpoint address", detail
    )
