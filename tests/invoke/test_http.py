"""HTTP and HTTP_PROXY against a real server on 127.0.0.1 (spec §8), and what AWS answers
when the backend fails."""

from __future__ import annotations

import json
import socket
import time

import pytest

from tests.backend import Backend
from tests.invoke.conftest import Simulate


def http_integration(backend: Backend, **fields: object) -> dict[str, object]:
    return {
        "type": "http",
        "httpMethod": "POST",
        "uri": backend.url + "/v2/animals/{id}",
        "requestParameters": {
            "integration.request.path.id": "method.request.path.petId",
            "integration.request.querystring.tags": "method.request.multivaluequerystring.tag",
            "integration.request.header.X-Api-Key": "stageVariables.apiKey",
        },
        "requestTemplates": {"application/json": '{"name": $input.json(\'$.name\'), "from": "$context.stage"}'},
        "responses": {
            "default": {
                "statusCode": "200",
                "responseParameters": {
                    "method.response.header.X-Animal": "integration.response.body.animal.id",
                    "method.response.header.X-Backend": "integration.response.header.Server-Id",
                },
                "responseTemplates": {"application/json": "{\"got\": $input.json('$.animal')}"},
            },
            "4\\d{2}": {"statusCode": "404", "responseTemplates": {"application/json": '{"message": "no such pet"}'}},
        },
        **fields,
    }


REQUEST = {
    "method": "POST",
    "path": "/pets/a b",
    "pathParameters": {"petId": "a b"},
    "multiValueQuery": {"tag": ["x", "y&z"]},
    "headers": {"Content-Type": "application/json", "X-Client": "not forwarded"},
    "stageVariables": {"apiKey": "k-123"},
    "body": '{"name": "Rex"}',
}


def test_http_sends_the_mapped_request_and_maps_the_answer(backend: Backend, simulate: Simulate) -> None:
    backend.headers = [("Content-Type", "application/json"), ("Server-Id", "s1")]
    backend.body = b'{"animal": {"id": 7, "name": "Rex"}}'
    result = simulate(http_integration(backend), REQUEST)
    (sent,) = backend.received
    assert (sent.method, sent.target) == ("POST", "/v2/animals/a%20b?tags=x&tags=y%26z")
    assert json.loads(sent.body) == {"name": "Rex", "from": "test"}
    # Only mapped headers, plus API Gateway's own (spec §8.1); the client's X-Client stays behind.
    assert sent.header("X-Api-Key") == "k-123"
    assert sent.header("X-Client") is None
    assert sent.header("User-Agent") == "AmazonAPIGateway_abcd1234ef"
    assert sent.header("Content-Type") == "application/json"
    assert sent.header("Host") == backend.url.removeprefix("http://")
    assert (result.response.status, result.response.body) == (200, '{"got": {"id":7,"name":"Rex"}}')
    assert (result.response.header("X-Animal"), result.response.header("X-Backend")) == ("7", "s1")
    assert result.failure is None


def test_the_backend_status_selects_the_response_and_is_not_passed_through(
    backend: Backend, simulate: Simulate
) -> None:
    """Spec §8.3, recorded: a 404 matching 4\\d{2} becomes 404; a 201 uses the default (200)."""
    backend.status, backend.body = 404, b"{}"
    assert simulate(http_integration(backend), REQUEST).response.status == 404
    backend.status = 201
    assert simulate(http_integration(backend), REQUEST).response.status == 200


def test_request_overrides_win_over_mappings(backend: Backend, simulate: Simulate) -> None:
    integration = http_integration(
        backend,
        requestTemplates={
            "application/json": '#set($context.requestOverride.header.X-Api-Key = "override")'
            '#set($context.requestOverride.path.id = "42")'
            '#set($context.requestOverride.querystring.tags = "only"){}'
        },
    )
    simulate(integration, REQUEST)
    (sent,) = backend.received
    assert (sent.target, sent.header("X-Api-Key")) == ("/v2/animals/42?tags=only", "override")


def test_stage_variables_fill_the_uri(backend: Backend, simulate: Simulate) -> None:
    host = backend.url.removeprefix("http://")
    simulate({"type": "http", "httpMethod": "GET", "uri": "http://${stageVariables.host}/x", "responses": {"default": {"statusCode": "200"}}},
             {"stageVariables": {"host": host}})  # fmt: skip
    assert backend.received[0].target == "/x"


def test_http_proxy_passes_the_request_and_the_answer_through(backend: Backend, simulate: Simulate) -> None:
    """Spec §8: everything forwarded, mappings added; status, headers, body back as they are
    (some headers renamed X-Amzn-Remapped-, hop-by-hop ones dropped)."""
    backend.status = 418
    backend.headers = [("Content-Type", "text/plain"), ("Server", "tiny"), ("X-Custom", "a"), ("X-Custom", "b")]
    backend.body = b"short and stout"
    result = simulate(
        {
            "type": "http_proxy",
            "httpMethod": "ANY",
            "uri": backend.url + "/site/{proxy}",
            "requestParameters": {
                "integration.request.path.proxy": "method.request.path.proxy",
                "integration.request.header.X-Mapped": "'yes'",
            },
        },
        {
            "method": "PATCH",
            "path": "/a/b//c",
            "resource": "/{proxy+}",
            "pathParameters": {"proxy": "a/b//c"},
            "multiValueQuery": {"q": ["1", "2"]},
            "headers": {"X-Client": "kept", "Expect": "100-continue", "Content-Type": "text/plain"},
            "body": "raw body",
        },
    )
    (sent,) = backend.received
    assert (sent.method, sent.target, sent.body) == ("PATCH", "/site/a/b//c?q=1&q=2", b"raw body")
    assert (sent.header("X-Client"), sent.header("X-Mapped"), sent.header("Expect")) == ("kept", "yes", None)
    response = result.response
    assert (response.status, response.body) == (418, "short and stout")
    assert response.headers["X-Custom"] == ["a", "b"]
    assert response.header("X-Amzn-Remapped-Server") == "tiny"
    assert response.header("Server") is None
    assert response.header("Content-Type") == "text/plain"
    assert "X-Amzn-Trace-Id" not in response.headers  # not added for HTTP_PROXY


def test_http_proxy_without_content_type_gets_json(backend: Backend, simulate: Simulate) -> None:
    backend.headers = []
    result = simulate({"type": "http_proxy", "httpMethod": "GET", "uri": backend.url + "/"})
    assert result.response.header("Content-Type") == "application/json"


def test_redirects_are_not_followed(backend: Backend, simulate: Simulate) -> None:
    backend.status, backend.headers = 302, [("Location", backend.url + "/elsewhere")]
    result = simulate({"type": "http_proxy", "httpMethod": "GET", "uri": backend.url + "/"})
    assert result.response.status == 302
    assert len(backend.received) == 1


def test_a_slow_backend_gives_504_after_timeout_in_millis(backend: Backend, simulate: Simulate) -> None:
    """Spec §8.3 (recorded): 504 {"message": "Endpoint request timed out"}."""
    backend.delay = 1.0
    result = simulate({"type": "http_proxy", "httpMethod": "GET", "uri": backend.url + "/", "timeoutInMillis": 100})
    assert (result.response.status, json.loads(result.response.body)) == (
        504,
        {"message": "Endpoint request timed out"},
    )
    assert result.failure == f"{backend.url}/: no answer within 100 ms (timeoutInMillis)"
    assert "Execution failed due to a timeout error" in result.log[-2]


def test_a_refused_connection_is_a_500(closed_port: int, simulate: Simulate) -> None:
    result = simulate({"type": "http_proxy", "httpMethod": "GET", "uri": f"http://127.0.0.1:{closed_port}/"})
    assert result.response.status == 500
    assert result.failure == f"127.0.0.1:{closed_port}: connection refused"


def test_an_answer_that_is_not_http_is_a_504(backend: Backend, simulate: Simulate) -> None:
    backend.raw = b"SSH-2.0-OpenSSH_9.6\r\n"
    result = simulate({"type": "http_proxy", "httpMethod": "GET", "uri": backend.url + "/"})
    assert result.response.status == 504
    assert result.failure is not None and "not an HTTP answer" in result.failure


def test_a_host_that_does_not_resolve_is_a_500(simulate: Simulate, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may leave loopback, so the resolver's answer is given (the mapping is the point)."""

    def no_such_host(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    result = simulate({"type": "http_proxy", "httpMethod": "GET", "uri": "http://no-such-host.invalid/"})
    assert result.response.status == 500
    assert result.failure == "no-such-host.invalid: the host name does not resolve (Name or service not known)"


def test_an_unfilled_uri_variable_is_a_configuration_error(simulate: Simulate) -> None:
    result = simulate(
        {
            "type": "http",
            "httpMethod": "GET",
            "uri": "http://127.0.0.1:9/{id}",
            "responses": {"default": {"statusCode": "200"}},
        }
    )
    assert result.response.status == 500
    assert result.failure == "the uri's {id} has no value: map integration.request.path.id in requestParameters"


def test_a_canned_backend_response_replaces_the_call(simulate: Simulate) -> None:
    """--backend-response / a case's response: (the runner's stub backend)."""
    result = simulate(
        {"type": "http_proxy", "httpMethod": "GET", "uri": "http://127.0.0.1:9/"},
        backend={"status": 400, "headers": {"Content-Type": "application/json"}, "body": '{"message": ""}'},
    )
    assert (result.response.status, result.response.body) == (400, '{"message": ""}')
    assert any(line.endswith("Integration latency: 0 ms (a stand-in response: no call made)") for line in result.log)


def test_the_endpoint_request_is_in_the_log(backend: Backend, simulate: Simulate) -> None:
    result = simulate(http_integration(backend), REQUEST)
    messages = [line.split(" : ", 1)[1] for line in result.log[1:]]
    assert f"Endpoint request URI: {backend.url}/v2/animals/a%20b?tags=x&tags=y%26z" in messages
    assert 'Endpoint request body after transformations: {"name": "Rex", "from": "test"}' in messages
    assert f"Sending request to {backend.url}/v2/animals/a%20b?tags=x&tags=y%26z" in messages


def test_a_backend_that_trickles_its_headers_is_cut_off_at_the_timeout(backend: Backend, simulate: Simulate) -> None:
    """timeoutInMillis bounds the whole exchange, not each read."""
    backend.raw, backend.trickle = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100 + b"\r\n\r\n", 0.01
    started = time.monotonic()
    result = simulate({"type": "http_proxy", "httpMethod": "GET", "uri": backend.url + "/", "timeoutInMillis": 200})
    assert result.response.status == 504
    assert time.monotonic() - started < 1.0


def test_a_header_http_cannot_carry_is_a_configuration_error(backend: Backend, simulate: Simulate) -> None:
    integration = {
        "type": "http",
        "httpMethod": "GET",
        "uri": backend.url + "/",
        "requestTemplates": {"application/json": '#set($context.requestOverride.header.X-Bad = "a\nb")'},
        "responses": {"default": {"statusCode": "200"}},
    }
    result = simulate(integration)
    assert result.response.status == 500
    assert result.failure is not None and "cannot send the request" in result.failure
    assert backend.received == []


def test_path_parameters_are_decoded_then_encoded_again(backend: Backend, simulate: Simulate) -> None:
    """Spec §8.1: a value is URL-decoded and its '%' encoded again: '50% off' arrives encoded
    once, 'test%2Balias' as the same path written 'test+alias' ('+' is no space in a path)."""
    integration = {"type": "http_proxy", "httpMethod": "GET", "uri": backend.url + "/{a}/{b}",
                   "requestParameters": {"integration.request.path.a": "method.request.path.a",
                                         "integration.request.path.b": "method.request.path.b"}}  # fmt: skip
    simulate(integration, {"pathParameters": {"a": "50% off", "b": "test%2Balias"}})
    assert backend.received[0].target == "/50%25%20off/test+alias"


def test_a_body_mapping_of_a_body_that_is_not_json_is_a_400(backend: Backend, simulate: Simulate) -> None:
    integration = {"type": "http", "httpMethod": "POST", "uri": backend.url + "/",
                   "requestParameters": {"integration.request.header.X-Name": "method.request.body.name"},
                   "responses": {"default": {"statusCode": "200"}}}  # fmt: skip
    result = simulate(integration, {"method": "POST", "body": "name=Rex"})
    assert (result.response.status, result.response.body) == (400, '{"message":"Invalid request body"}')
    nested = simulate(integration, {"method": "POST", "body": "[" * 100_000})
    assert nested.response.status == 400
    assert backend.received == []


def test_a_body_shorter_than_announced_is_a_network_error(backend: Backend, simulate: Simulate) -> None:
    backend.raw = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"
    result = simulate({"type": "http_proxy", "httpMethod": "GET", "uri": backend.url + "/"})
    assert result.response.status == 504
    assert result.failure is not None and "closed 97 bytes before the end of the answer" in result.failure


@pytest.mark.parametrize("uri", ["http://[::1/", "http://x y/", "ftp://host/"])
def test_an_address_that_cannot_be_called_is_a_500(simulate: Simulate, uri: str) -> None:
    result = simulate({"type": "http_proxy", "httpMethod": "GET", "uri": uri})
    assert result.response.status == 500
    assert result.failure is not None and "invalid endpoint address" in result.failure


def test_bytes_a_command_line_could_not_decode_are_sent_as_given(backend: Backend, simulate: Simulate) -> None:
    simulate(
        {"type": "http_proxy", "httpMethod": "GET", "uri": backend.url + "/"}, {"query": {"x": "\udcff", "y": "\ud800"}}
    )
    assert backend.received[0].target == "/?x=%FF&y=%3F"


def test_a_request_over_10_mb_is_refused_with_413(simulate: Simulate) -> None:
    result = simulate({"type": "mock"}, {"method": "POST", "body": "x" * (10 * 1024 * 1024 + 1)})
    assert (result.response.status, result.response.body) == (
        413,
        '{"message":"HTTP content length exceeded 10485760 bytes."}',
    )


def test_a_header_a_template_breaks_across_lines_is_refused(simulate: Simulate) -> None:
    integration = {
        "type": "mock",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "responses": {"default": {"statusCode": "200", "responseTemplates": {
            "application/json": '#set($context.responseOverride.header.X-A = "v\r\nSet-Cookie: forged")'}}},
    }  # fmt: skip
    result = simulate(integration)
    assert result.response.status == 500
    assert "Set-Cookie" not in result.response.headers
    assert result.failure is not None and "the value holds a line break" in result.failure


def test_odd_context_values_are_still_text_in_headers(backend: Backend, simulate: Simulate) -> None:
    simulate(
        {"type": "http_proxy", "httpMethod": "GET", "uri": backend.url + "/"},
        {"context": {"identity": "x", "apiId": 5}},
    )
    assert backend.received[0].header("X-Forwarded-For") == ""
