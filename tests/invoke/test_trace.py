"""The execution log, in the format of the console's test log (spec §11)."""

from __future__ import annotations

import re

from apigw_cli.trace import ExecutionLog, java_map, log_time, masked_headers
from tests.backend import Backend
from tests.invoke.conftest import Simulate

MOCK = {
    "type": "mock",
    "requestTemplates": {"application/json": '{"statusCode": 200}'},
    "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}}},
}


def messages(log: list[str]) -> list[str]:
    """The log's messages without their timestamps (the first line has none)."""
    return [log[0]] + [line.split(" : ", 1)[1] for line in log[1:]]


def test_timestamps_print_as_javas_date() -> None:
    assert log_time(1719616949095) == "Fri Jun 28 23:22:29 UTC 2024"


def test_maps_print_java_style_and_authorization_is_masked() -> None:
    assert java_map({"petId": "7", "tag": ["a", "b"], "x": None}) == "{petId=7, tag=[a, b], x=null}"
    headers = masked_headers({"Authorization": ["Bearer secret-token"], "Accept": ["a", "b"]})
    assert headers == {"Authorization": "*************-token", "Accept": "a,b"}
    assert masked_headers({"authorization": ["short"]}) == {"authorization": "*****"}


def test_a_mock_call_logs_no_endpoint_lines(simulate: Simulate) -> None:
    result = simulate(MOCK, {"method": "POST", "path": "/pets", "headers": {"X-A": "1"}, "body": "{}"})
    assert messages(result.log) == [
        "Execution log for request c0ffee00-1234-4abc-8def-0123456789ab",
        "Starting execution for request: c0ffee00-1234-4abc-8def-0123456789ab",
        "HTTP Method: POST, Resource Path: /pets",
        "Method request path: {}",
        "Method request query string: {}",
        "Method request headers: {X-A=1}",
        "Method request body before transformations: {}",
        'Method response body after transformations: {"ok": true}',
        "Method response headers: {Content-Type=application/json}",
        "Successfully completed execution",
        "Method completed with status: 200",
    ]
    assert all(line.startswith("Thu Jan 01 00:00:00 UTC 2026 : ") for line in result.log[1:])


def test_an_http_call_logs_the_endpoint_request_and_response(backend: Backend, simulate: Simulate) -> None:
    backend.headers = [("Content-Type", "application/json")]
    result = simulate(
        {"type": "http_proxy", "httpMethod": "GET", "uri": backend.url + "/p"},
        {"headers": {"Authorization": "Basic dXNlcjpwYXNz"}},
    )
    steps = [message.split(":", 1)[0] for message in messages(result.log)]
    assert steps[7:] == [
        "Endpoint request URI",
        "Endpoint request headers",
        "Endpoint request body after transformations",
        "Sending request to http",
        "Received response. Status",
        "Endpoint response headers",
        "Endpoint response body before transformations",
        "Method response body after transformations",
        "Method response headers",
        "Successfully completed execution",
        "Method completed with status",
    ]
    assert re.search(r"Received response\. Status: 200, Integration latency: \d+ ms", "\n".join(result.log))
    assert "Authorization=************pwYXNz" in "\n".join(result.log)  # masked in the log, sent as is
    assert backend.received[0].header("Authorization") == "Basic dXNlcjpwYXNz"


def test_a_failure_ends_the_log_with_its_line(closed_port: int, simulate: Simulate) -> None:
    result = simulate({"type": "http_proxy", "httpMethod": "GET", "uri": f"http://127.0.0.1:{closed_port}/"})
    assert messages(result.log)[-2:] == [
        "Execution failed due to configuration error: Connection refused",
        "Method completed with status: 500",
    ]


def test_the_clock_moves_unless_frozen() -> None:
    frozen = ExecutionLog(1767225600000, frozen=True)
    frozen.add("a")
    assert frozen.lines == ["Thu Jan 01 00:00:00 UTC 2026 : a"]
    moving = ExecutionLog(1767225599999)
    moving.started -= 2.0  # two seconds have passed since the request arrived
    moving.add("b")
    assert moving.lines == ["Thu Jan 01 00:00:01 UTC 2026 : b"]
