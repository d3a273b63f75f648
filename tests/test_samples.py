"""Request files, response files and Lambda proxy events (shared/spec/case-format.md §1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apigw_cli.errors import InputError
from apigw_cli.samples import (
    RequestFlags,
    apply_flags,
    read_request_file,
    read_response_file,
    request_from_mapping,
    response_from_mapping,
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_yaml_request_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "req.yaml",
        "method: post\npath: /pets/12\nresource: /pets/{petId}\nheaders: {Content-Type: application/json, X-N: 10}\n"
        "multiValueHeaders: {Accept: [application/json, text/xml]}\nquery: {limit: 10}\nmultiValueQuery: {tag: [a, b]}\n"
        "pathParameters: {petId: 12}\nstageVariables: {flag: true}\nstage: prod\n"
        "context: {identity.sourceIp: 203.0.113.9, authorizer: {principalId: u}}\njson: {name: Rex}\n",
    )
    request = read_request_file(path)
    assert request.method == "POST"
    assert (request.path, request.resource, request.stage) == ("/pets/12", "/pets/{petId}", "prod")
    assert request.headers == {
        "Accept": ["application/json", "text/xml"],
        "Content-Type": ["application/json"],
        "X-N": ["10"],
    }
    assert request.query == {"tag": ["a", "b"], "limit": ["10"]}
    assert request.path_parameters == {"petId": "12"}
    assert request.stage_variables == {"flag": "true"}  # YAML scalars become text
    assert request.context == {"identity": {"sourceIp": "203.0.113.9"}, "authorizer": {"principalId": "u"}}
    assert request.body == '{"name": "Rex"}'


def test_defaults() -> None:
    request = request_from_mapping({}, "r")
    assert (request.method, request.path, request.resource, request.stage, request.body) == (
        "GET",
        "/",
        "/",
        "test",
        None,
    )


def test_a_single_value_agrees_with_the_last_of_its_list() -> None:
    request = request_from_mapping({"query": {"tag": "b"}, "multiValueQuery": {"tag": ["a", "b"]}}, "r")
    assert request.query == {"tag": ["a", "b"]}
    with pytest.raises(InputError, match="query.tag.*differs from the last value"):
        request_from_mapping({"query": {"tag": "a"}, "multiValueQuery": {"tag": ["a", "b"]}}, "r")


def test_header_names_are_case_insensitive() -> None:
    request = request_from_mapping(
        {"headers": {"content-type": "text/plain"}, "multiValueHeaders": {"Content-Type": ["text/plain"]}}, "r"
    )
    assert request.headers == {"Content-Type": ["text/plain"]}
    assert request.header("CONTENT-TYPE") == "text/plain"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"methd": "GET"}, "unknown key 'methd' in the request"),
        ({"body": "x", "json": {}}, "'body' and 'json' are mutually exclusive"),
        ({"headers": ["a"]}, "key 'headers': expected a mapping"),
        ({"headers": {"A": {"b": 1}}}, "key 'headers.A': expected a single value"),
        ({"multiValueQuery": {"t": "a"}}, "key 'multiValueQuery.t': expected a list"),
        ({"isBase64Encoded": "yes"}, "key 'isBase64Encoded': expected true or false"),
        ({"body": "%%%", "isBase64Encoded": True}, "not base64"),
        ({"body": {"a": 1}}, "use 'json' for a structured body"),
        ([1, 2], "a request must be a mapping, not a list"),
    ],
)
def test_malformed_request_files_name_the_file_and_key(content: object, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        request_from_mapping(content, "cases/req.yaml")
    assert str(caught.value).startswith("cases/req.yaml: ")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.json", '{"method": "GET",\n "path": }', r"bad.json:2:10: invalid JSON"),
        ("bad.yaml", "method: GET\npath: [unclosed\n", r"bad.yaml:3:1: invalid YAML"),
        ("tag.yaml", "method: !Ref Method\n", r"tag.yaml:1:9: invalid YAML"),
    ],
)
def test_unparseable_files_name_line_and_column(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_request_file(write(tmp_path, name, text))


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such request file"):
        read_request_file(str(tmp_path / "none.json"))
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_request_file(str(binary))


# What `sam local generate-event apigateway aws-proxy` prints (abridged, same shape).
SAM_EVENT = {
    "body": "eyJ0ZXN0IjoiYm9keSJ9",
    "resource": "/{proxy+}",
    "path": "/path/to/resource",
    "httpMethod": "POST",
    "isBase64Encoded": True,
    "queryStringParameters": {"foo": "bar"},
    "multiValueQueryStringParameters": {"foo": ["bar"]},
    "pathParameters": {"proxy": "/path/to/resource"},
    "stageVariables": {"baz": "qux"},
    "headers": {"Accept": "text/html", "Content-Type": "application/json", "User-Agent": "Custom User Agent String"},
    "multiValueHeaders": {
        "Accept": ["text/html"],
        "Content-Type": ["application/json"],
        "User-Agent": ["Custom User Agent String"],
    },
    "requestContext": {
        "accountId": "123456789012",
        "resourceId": "123456",
        "stage": "prod",
        "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "requestTime": "09/Apr/2015:12:34:56 +0000",
        "requestTimeEpoch": 1428582896000,
        "identity": {"sourceIp": "127.0.0.1", "userAgent": "Custom User Agent String"},
        "path": "/prod/path/to/resource",
        "resourcePath": "/{proxy+}",
        "httpMethod": "POST",
        "apiId": "1234567890",
        "protocol": "HTTP/1.1",
    },
}


def test_a_lambda_proxy_event_is_a_request_file(tmp_path: Path) -> None:
    request = read_request_file(write(tmp_path, "event.json", json.dumps(SAM_EVENT)))
    assert (request.method, request.path, request.resource, request.stage) == (
        "POST",
        "/path/to/resource",
        "/{proxy+}",
        "prod",
    )
    assert request.body_text() == '{"test":"body"}'
    assert request.query == {"foo": ["bar"]}
    assert request.path_parameters == {"proxy": "/path/to/resource"}
    assert request.context["requestId"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    assert request.header("user-agent") == "Custom User Agent String"


def test_an_event_keeps_the_slashes_the_client_sent_after_the_stage(tmp_path: Path) -> None:
    """AWS collapses them in the event's path and keeps them in requestContext.path (recorded
    for /stage//hardcoded): read back, the request is the one sent."""
    context = {**SAM_EVENT["requestContext"], "path": "/prod//path/to/resource"}
    request = read_request_file(write(tmp_path, "event.json", json.dumps({**SAM_EVENT, "requestContext": context})))
    assert (request.path, request.routed_path, request.resource) == (
        "//path/to/resource",
        "/path/to/resource",
        "/{proxy+}",
    )
    for stage, full, path in [
        ("prod", "/prod/elsewhere", "/path/to/resource"),  # another path: the event's is kept
        ("prod", "/prod", "/"),  # the stage's root
        ("prod", "/production", "/uction"),  # not the stage followed by a path
        ("$default", "//pets", "//pets"),  # no stage in the path
    ]:
        event = {**SAM_EVENT, "path": path.replace("//", "/"), "requestContext": {"stage": stage, "path": full}}
        assert read_request_file(write(tmp_path, "e2.json", json.dumps(event))).path == path


def test_event_reading_can_be_forced(tmp_path: Path) -> None:
    event = {key: value for key, value in SAM_EVENT.items() if key != "requestContext"}
    path = write(tmp_path, "event.json", json.dumps(event))
    with pytest.raises(InputError, match="unknown key"):
        read_request_file(path)
    assert read_request_file(path, as_event=True).method == "POST"


def test_response_files(tmp_path: Path) -> None:
    response = read_response_file(
        write(tmp_path, "r.yaml", "status: '404'\nheaders: {Content-Type: application/json}\njson: {code: X}\n")
    )
    assert (response.status, response.body, response.header("content-type")) == (
        404,
        '{"code": "X"}',
        "application/json",
    )
    with pytest.raises(InputError, match="key 'status': expected an HTTP status"):
        response_from_mapping({"status": 99}, "r")
    with pytest.raises(InputError, match="unknown key 'statusCode'"):
        response_from_mapping({"statusCode": 200}, "r")


def test_flags_override_the_request_file() -> None:
    request = request_from_mapping(
        {"method": "GET", "path": "/a", "headers": {"X-A": "1", "Accept": "a"}, "query": {"q": "1"}, "body": "file"},
        "r",
    )
    apply_flags(
        request,
        RequestFlags(
            method="put",
            path="/b",
            headers=[("x-a", "2"), ("x-a", "3")],
            query=[("q", "x"), ("r", "y")],
            path_parameters=[("id", "7")],
            stage_variables=[("s", "v")],
            context=[("identity.sourceIp", "198.51.100.1")],
            body="flag",
        ),
    )
    assert (request.method, request.path, request.resource, request.body) == ("PUT", "/b", "/b", "flag")
    assert request.headers == {"Accept": ["a"], "x-a": ["2", "3"]}
    assert request.query == {"q": ["x"], "r": ["y"]}
    assert (request.path_parameters, request.stage_variables) == ({"id": "7"}, {"s": "v"})
    assert request.context == {"identity": {"sourceIp": "198.51.100.1"}}


@pytest.mark.parametrize("resource", ["//a", "/a"])
def test_a_resource_spelled_as_the_path_follows_the_path_flag(resource: str) -> None:
    request = request_from_mapping({"path": "//a", "resource": resource}, "r")
    apply_flags(request, RequestFlags(path="//b"))
    assert (request.path, request.resource) == ("//b", "/b")


def test_documents_nested_too_deeply_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nests too deeply"):
        read_request_file(write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000))
    with pytest.raises(InputError, match="nests too deeply"):
        read_request_file(write(tmp_path, "deep.yaml", "a: " + "[" * 5000 + "]" * 5000))
