"""Lambda integrations with real handlers run in a subprocess: the proxy event and response
validation (spec §7), non-proxy results and errors (§4), and each way a function can fail."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import pytest

from apigw_cli.errors import InputError, UsageError
from apigw_cli.integrations.lambda_ import HandlerSpec, LocalHandler, _exit_status
from tests.backend import Backend
from tests.helpers import ROOT
from tests.invoke.conftest import Simulate, write_handler

SAMPLES = ROOT / "samples" / "handlers"
PROXY = {"type": "aws_proxy", "httpMethod": "POST", "uri": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:echo/invocations"}  # fmt: skip
ECHO_EVENT = "import json\n\ndef handler(event, context):\n    return {'statusCode': 200, 'body': json.dumps(event)}\n"
ANSWER_FROM_BODY = "import json\n\ndef handler(event, context):\n    return json.loads(event['body'])\n"


def misbehaving(name: str) -> str:
    return f"{SAMPLES / 'misbehaving.py'}:{name}"


@pytest.fixture
def echo(tmp_path: Path) -> str:
    return write_handler(tmp_path, "echo", ECHO_EVENT) + ":handler"


@pytest.fixture
def answer(tmp_path: Path) -> str:
    """A function that answers whatever the request body says (the recordings' stand-in)."""
    return write_handler(tmp_path, "answer", ANSWER_FROM_BODY) + ":handler"


def test_the_v1_event_has_awss_shape(simulate: Simulate, echo: str) -> None:
    """Spec §7.1: key order, nulls for absent parts, last values, canonical Authorization."""
    result = simulate(
        PROXY,
        {
            "method": "GET",
            "path": "/pets/7",
            "resource": "/pets/{petId}",
            "pathParameters": {"petId": "7"},
            "multiValueQuery": {"tag": ["a", "b"]},
            "headers": {"authorization": "Bearer x", "tEsT-HEADeR": "v"},
            "stage": "prod",
        },
        handler=echo,
    )
    event = json.loads(result.response.body)
    assert list(event) == [
        "resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters",
        "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext", "body",
        "isBase64Encoded",
    ]  # fmt: skip
    assert (event["resource"], event["path"], event["httpMethod"]) == ("/pets/{petId}", "/pets/7", "GET")
    assert event["headers"]["Authorization"] == "Bearer x" and event["headers"]["tEsT-HEADeR"] == "v"
    assert event["headers"]["X-Forwarded-Proto"] == "https"
    assert event["queryStringParameters"] == {"tag": "b"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"]}
    assert (event["stageVariables"], event["body"], event["isBase64Encoded"]) == (None, None, False)
    context = event["requestContext"]
    assert (context["path"], context["stage"], context["resourcePath"]) == ("/prod/pets/7", "prod", "/pets/{petId}")
    assert context["requestTimeEpoch"] == 1767225600000 and "authorizer" not in context
    assert set(context["identity"]) >= {"sourceIp", "userAgent", "cognitoIdentityId", "userArn"}


def test_slashes_after_the_stage_collapse_in_the_events_path_only(simulate: Simulate, echo: str) -> None:
    """Recorded (LocalStack's test_lambda_aws_proxy_integration, called as /stage//hardcoded):
    the event's path and resource are /hardcoded, requestContext.path keeps the slashes sent."""
    request = {"method": "GET", "path": "//hardcoded", "stage": "stage"}
    event = json.loads(simulate(PROXY, request, handler=echo).response.body)
    assert (event["path"], event["resource"]) == ("/hardcoded", "/hardcoded")
    assert (event["requestContext"]["path"], event["requestContext"]["resourcePath"]) == (
        "/stage//hardcoded",
        "/hardcoded",
    )


def test_a_binary_body_arrives_base64_encoded(simulate: Simulate, echo: str) -> None:
    raw = bytes(range(256))
    request = {
        "method": "POST",
        "headers": {"Content-Type": "image/png"},
        "body": base64.b64encode(raw).decode(),
        "isBase64Encoded": True,
    }
    event = json.loads(simulate(PROXY, request, handler=echo, binary_media_types=("image/*",)).response.body)
    assert (event["isBase64Encoded"], base64.b64decode(event["body"])) == (True, raw)


def test_the_v2_event_is_what_http_apis_send(simulate: Simulate, echo: str) -> None:
    """Spec §7.2: lower-case headers, comma-joined repeats, cookies apart, no multiValue*."""
    result = simulate(
        {**PROXY, "payloadFormatVersion": "2.0"},
        {
            "method": "POST",
            "path": "/pets",
            "resource": "/pets",
            "multiValueQuery": {"tag": ["a", "b"]},
            "headers": {"X-Id": "1", "Cookie": "s=1; t=2"},
            "body": "{}",
        },
        handler=echo,
    )
    event = json.loads(result.response.body)
    assert (event["version"], event["routeKey"], event["rawPath"], event["rawQueryString"]) == (
        "2.0",
        "POST /pets",
        "/test/pets",
        "tag=a&tag=b",
    )
    assert event["cookies"] == ["s=1", "t=2"] and event["headers"]["x-id"] == "1" and "cookie" not in event["headers"]
    assert event["queryStringParameters"] == {"tag": "a,b"}
    assert event["requestContext"]["http"]["method"] == "POST"
    assert "multiValueHeaders" not in event and "pathParameters" not in event


def test_a_v2_function_may_answer_any_json(simulate: Simulate, tmp_path: Path) -> None:
    handler = write_handler(tmp_path, "plain", "def handler(event, context):\n    return {'message': 'hi'}\n")
    result = simulate({**PROXY, "payloadFormatVersion": "2.0"}, handler=handler + ":handler")
    assert (result.response.status, json.loads(result.response.body)) == (200, {"message": "hi"})
    assert result.response.header("Content-Type") == "application/json"


@pytest.mark.parametrize(
    ("answer_body", "status", "body", "headers"),
    [
        # Spec §7.3, row by row (recorded unless noted).
        ('{"statusCode": 201, "body": "made"}', 201, "made", {}),
        ('{"statusCode": "201"}', 201, "", {}),
        ('{"headers": {"test-header": "value"}}', 200, "", {"test-header": "value"}),
        ("{}", 200, "", {"Content-Type": "application/json"}),
        ('{"statusCode": 200, "headers": {"header-bool": true}}', 200, "", {"header-bool": "true"}),
        ('{"statusCode": 200, "headers": null}', 200, "", {}),
        ('{"statusCode": 200, "multiValueHeaders": {"m": ["1", "2"]}}', 200, "", {"m": "1, 2"}),
        (
            '{"statusCode": 200, "multiValueHeaders": {"M": ["multi"]}, "headers": {"m": "solo"}}',
            200,
            "",
            {"M": "multi, solo"},
        ),
        ('{"statusCode": 200, "body": "dGVzdA==", "isBase64Encoded": true}', 200, "dGVzdA==", {}),
        ('{"statusCode": 200, "wrongValue": 1}', 502, '{"message": "Internal server error"}', {}),
        ('"justAString"', 502, '{"message": "Internal server error"}', {}),
        ('{"statusCode": "test"}', 502, '{"message": "Internal server error"}', {}),
        ('{"statusCode": 200, "multiValueHeaders": {"m": "one"}}', 502, '{"message": "Internal server error"}', {}),
        ('{"statusCode": 200, "body": {"not": "a string"}}', 502, '{"message": "Internal server error"}', {}),
    ],
)
def test_the_proxy_response_is_validated_as_aws_does(
    simulate: Simulate, answer: str, answer_body: str, status: int, body: str, headers: dict[str, str]
) -> None:
    result = simulate(PROXY, {"method": "POST", "body": answer_body}, handler=answer)
    assert (result.response.status, result.response.body) == (status, body)
    for name, value in headers.items():
        assert ", ".join(result.response.headers[name]) == value
    if status == 502:
        assert result.failure is not None and "malformed Lambda proxy response" in result.failure
        assert "Execution failed due to configuration error: Malformed Lambda proxy response" in result.log[-2]


def test_a_base64_body_is_decoded_for_a_binary_accept(simulate: Simulate, answer: str) -> None:
    request = {
        "method": "POST",
        "headers": {"Accept": "image/png"},
        "body": '{"body": "AAEC", "isBase64Encoded": true}',
    }
    result = simulate(PROXY, request, handler=answer, binary_media_types=("image/png",))
    assert (result.response.is_base64_encoded, result.response.body) == (True, "AAEC")
    assert result.response.headers["Content-Length"] == ["3"]


@pytest.mark.parametrize(
    ("name", "failure"),
    [
        ("crash", "misbehaving.py:11: ZeroDivisionError: division by zero"),
        (
            "exit_early",
            "Runtime.ExitError: RequestId: c0ffee00-1234-4abc-8def-0123456789ab Error: Runtime exited with error: exit status 3",
        ),
        ("die", "Error: Runtime exited with error: signal: killed"),
        (
            "not_serializable",
            "Runtime.MarshalError: Unable to marshal response: Object of type object is not JSON serializable",
        ),
        (
            "hang",
            "Sandbox.Timedout: RequestId: c0ffee00-1234-4abc-8def-0123456789ab Error: Task timed out after 0.30 seconds",
        ),
        ("hang_ignoring_signals", "Error: Task timed out after 0.30 seconds"),
    ],
)
def test_a_failing_function_gives_502_and_says_why(simulate: Simulate, name: str, failure: str) -> None:
    """Spec §7.3: an unhandled error or timeout of the function is a 502 with the recorded body."""
    result = simulate(PROXY, handler=misbehaving(name), function_timeout_s=0.3)
    assert (result.response.status, result.response.body) == (502, '{"message": "Internal server error"}')
    assert result.response.header("x-amzn-ErrorType") == "InternalServerErrorException"
    assert result.failure is not None and failure in result.failure
    assert "Lambda execution failed with status 200 due to customer function error" in result.log[-2]


def test_the_integration_timeout_gives_504_before_the_function_times_out(simulate: Simulate) -> None:
    result = simulate({**PROXY, "timeoutInMillis": 200}, handler=misbehaving("hang"), function_timeout_s=5)
    assert (result.response.status, json.loads(result.response.body)) == (
        504,
        {"message": "Endpoint request timed out"},
    )
    assert result.failure is not None and "no answer within 200 ms" in result.failure


def test_a_function_that_prints_without_end_is_capped_and_still_answers(simulate: Simulate) -> None:
    result = simulate(PROXY, handler=misbehaving("chatter"))
    assert (result.response.status, result.response.body) == (200, "done")
    assert any(line.endswith("[log cut at 1048576 bytes]") for line in result.log)


def test_the_handler_gets_a_lambda_context_and_environment(simulate: Simulate) -> None:
    context = simulate(PROXY, handler=misbehaving("remaining_time")).response.body
    assert context == "echo c0ffee00-1234-4abc-8def-0123456789ab 128 True"
    environment = simulate(PROXY, handler=misbehaving("environment")).response.body
    assert environment == (
        f"AWS_LAMBDA_FUNCTION_NAME=echo AWS_REGION=eu-west-1 LAMBDA_TASK_ROOT={SAMPLES} "
        "_HANDLER=misbehaving.environment TZ=:UTC"
    )


def test_the_functions_output_goes_to_the_log(simulate: Simulate) -> None:
    result = simulate(PROXY, {"pathParameters": {"petId": "7"}}, handler=f"{SAMPLES / 'pets.py'}:proxy")
    assert any(line.endswith(" : Function echo: looking up pet 7") for line in result.log)


@pytest.mark.parametrize(
    ("source", "error_type", "where"),
    [
        ("def handler(event, context)\n    return 1\n", "Runtime.UserCodeSyntaxError", "broken.py:1:28"),
        ("import no_such_module_anywhere\n", "Runtime.ImportModuleError", "broken.py:1"),
        ("raise KeyError('config')\n", "KeyError", "broken.py:1"),
        ("def other(event, context):\n    return 1\n", "Runtime.HandlerNotFound", "broken.py"),
    ],
)
def test_a_function_that_does_not_load_fails_as_lambda_does(
    simulate: Simulate, tmp_path: Path, source: str, error_type: str, where: str
) -> None:
    handler = write_handler(tmp_path, "broken", source) + ":handler"
    result = simulate(PROXY, handler=handler)
    assert result.response.status == 502
    assert result.failure is not None and f": {error_type}: " in result.failure
    assert where in result.failure


def test_a_module_handler_is_imported_from_the_base_folder(simulate: Simulate, tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text("def handler(event, context):\n    return {'statusCode': 204}\n")
    assert simulate(PROXY, handler="app.main:handler").response.status == 204


def test_handler_specs_are_checked_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such handler file"):
        HandlerSpec.parse("missing.py:handler", tmp_path)
    with pytest.raises(UsageError, match="expected path/to/file.py:function or module:function"):
        HandlerSpec.parse("handler.py", tmp_path)


# -- AWS (non-proxy) ------------------------------------------------------------------------

LOOKUP = {
    "type": "aws",
    "httpMethod": "POST",
    "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:pets/invocations",
    "requestTemplates": {"application/json": '{"petId": "$input.params(\'petId\')"}'},
    "responses": {
        "default": {"statusCode": "200"},
        "Not found.*": {
            "statusCode": "404",
            "responseParameters": {"method.response.header.X-Error": "integration.response.body.errorType"},
            "responseTemplates": {"application/json": "{\"message\": $input.json('$.errorMessage')}"},
        },
    },
}


def test_a_non_proxy_result_is_the_integration_response_body(simulate: Simulate) -> None:
    result = simulate(LOOKUP, {"pathParameters": {"petId": "7"}}, handler=f"{SAMPLES / 'pets.py'}:lookup")
    assert (result.response.status, result.response.body) == (200, '{"id": 7, "name": "Rex", "species": "dog"}')


def test_a_non_proxy_error_is_selected_by_its_message(simulate: Simulate) -> None:
    result = simulate(LOOKUP, {"pathParameters": {"petId": "9"}}, handler=f"{SAMPLES / 'pets.py'}:lookup")
    assert (result.response.status, result.response.body) == (404, '{"message": "Not found: pet 9"}')
    assert result.response.header("X-Error") == "LookupError"
    assert result.failure is None  # an error mapped by a pattern is the integration working


def test_an_unmapped_non_proxy_error_reaches_the_client_as_200(simulate: Simulate, tmp_path: Path) -> None:
    """Spec §4, §12.13: the error object, with a stack trace naming Lambda's task root."""
    handler = write_handler(tmp_path, "fails", "def handler(event, context):\n    raise ValueError('bad')\n")
    result = simulate({**LOOKUP, "responses": {"default": {"statusCode": "200"}}}, handler=handler + ":handler")
    error = json.loads(result.response.body)
    assert result.response.status == 200
    assert (error["errorMessage"], error["errorType"], error["requestId"]) == (
        "bad",
        "ValueError",
        "c0ffee00-1234-4abc-8def-0123456789ab",
    )
    assert error["stackTrace"] == ["  File \"/var/task/fails.py\", line 2, in handler\n    raise ValueError('bad')\n"]


def test_non_proxy_results_serialise_as_the_python_runtime_does(simulate: Simulate, tmp_path: Path) -> None:
    handler = write_handler(
        tmp_path,
        "values",
        "import decimal\n\ndef handler(event, context):\n    return {'price': decimal.Decimal('10.50'), 'name': 'Zoë'}\n",
    )
    result = simulate({**LOOKUP, "responses": {"default": {"statusCode": "200"}}}, handler=handler + ":handler")
    assert result.response.body == '{"price": 10.50, "name": "Zoë"}'


def test_an_aws_service_integration_needs_an_endpoint_or_its_answer_given(simulate: Simulate) -> None:
    dynamodb = {"type": "aws", "httpMethod": "POST", "uri": "arn:aws:apigateway:us-east-1:dynamodb:action/Query",
                "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "$input.path('$.Count')"}}}}  # fmt: skip
    with pytest.raises(UsageError) as raised:
        simulate(dynamodb)
    assert raised.value.hint is not None and "--backend-response" in raised.value.hint
    result = simulate(dynamodb, backend={"status": 200, "json": {"Count": 3}})
    assert result.response.body == "3"


def test_a_payload_that_is_not_json_is_refused_as_lambda_does(simulate: Simulate) -> None:
    result = simulate(
        {**LOOKUP, "requestTemplates": {"application/json": "not json"}}, handler=f"{SAMPLES / 'pets.py'}:lookup"
    )
    assert result.response.status == 500
    assert result.failure is not None and "the Lambda payload is not JSON" in result.failure


# -- the Lambda Invoke API (--lambda-endpoint) ---------------------------------------------


def test_a_function_behind_the_invoke_api_gets_the_event(backend: Backend, simulate: Simulate) -> None:
    backend.body = b'{"statusCode": 200, "body": "from the endpoint"}'
    backend.headers = [
        ("Content-Type", "application/json"),
        ("X-Amz-Log-Result", base64.b64encode(b"START\nhello\n").decode()),
    ]
    result = simulate(PROXY, {"path": "/x"}, lambda_endpoint=backend.url)
    (sent,) = backend.received
    assert (sent.method, sent.target) == ("POST", "/2015-03-31/functions/echo/invocations")
    assert json.loads(sent.body)["path"] == "/x"
    assert sent.header("X-Amz-Invocation-Type") == "RequestResponse"
    assert (result.response.status, result.response.body) == (200, "from the endpoint")
    assert any(line.endswith(" : Function echo: hello") for line in result.log)


def test_a_function_error_reported_by_the_invoke_api_is_a_502(backend: Backend, simulate: Simulate) -> None:
    backend.headers = [("Content-Type", "application/json"), ("X-Amz-Function-Error", "Unhandled")]
    backend.body = b'{"errorMessage": "boom", "errorType": "RuntimeError"}'
    result = simulate(PROXY, lambda_endpoint=backend.url)
    assert result.response.status == 502
    assert result.failure == f"{backend.url}/2015-03-31/functions/echo/invocations: RuntimeError: boom"


def test_an_invoke_api_that_refuses_the_call_is_a_500(backend: Backend, simulate: Simulate) -> None:
    backend.status, backend.body = 404, b'{"Type": "User", "message": "Function not found"}'
    result = simulate(PROXY, lambda_endpoint=backend.url)
    assert result.response.status == 500
    assert result.failure is not None and "the Lambda Invoke API answered 404" in result.failure


# -- what a function can do wrong, continued ---------------------------------------------------


def test_a_response_over_lambdas_6_mb_is_a_function_error(simulate: Simulate, tmp_path: Path) -> None:
    handler = write_handler(
        tmp_path, "big", "def handler(event, context):\n    return {'statusCode': 200, 'body': 'x' * 7_000_000}\n"
    )
    result = simulate(PROXY, handler=handler + ":handler")
    assert result.response.status == 502
    assert result.failure is not None and "Function.ResponseSizeTooLarge" in result.failure


def test_a_handler_writing_into_apigws_pipe_cannot_fool_it(simulate: Simulate, tmp_path: Path) -> None:
    source = "import os, sys\n\ndef handler(event, context):\n    os.write(int(sys.argv[2]), b'junk')\n    return {'statusCode': 200}\n"
    result = simulate(PROXY, handler=write_handler(tmp_path, "sneaky", source) + ":handler")
    assert result.response.status == 502
    assert result.failure is not None and "Runtime.InvalidResponse" in result.failure


def test_a_lone_surrogate_in_a_body_goes_out_as_a_question_mark(simulate: Simulate, answer: str) -> None:
    result = simulate(PROXY, {"method": "POST", "body": '{"statusCode": 200, "body": "a\\ud800b"}'}, handler=answer)
    assert (result.response.status, result.response.body) == (200, "a?b")


@pytest.mark.parametrize("status", ['"\\u00b2"', '"99"', "600", "true"])
def test_a_status_that_is_not_an_http_status_is_malformed(simulate: Simulate, answer: str, status: str) -> None:
    result = simulate(PROXY, {"method": "POST", "body": f'{{"statusCode": {status}}}'}, handler=answer)
    assert result.response.status == 502


def test_ctrl_c_stops_the_function(simulate: Simulate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The handler runs in its own process group; an interrupted apigw must not leave it running."""
    pid_file = tmp_path / "pid"
    source = f"import os, time\n\ndef handler(event, context):\n    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n    time.sleep(60)\n"
    handler = write_handler(tmp_path, "sleeper", source) + ":handler"

    def interrupted(self: LocalHandler, run: object, deadline: float) -> bool:
        while not pid_file.exists() or not pid_file.read_text():
            time.sleep(0.01)
        raise KeyboardInterrupt

    monkeypatch.setattr(LocalHandler, "_wait", interrupted)
    with pytest.raises(KeyboardInterrupt):
        simulate(PROXY, handler=handler, function_timeout_s=30)
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


def test_exit_statuses_read_as_lambda_words_them() -> None:
    assert [_exit_status(code) for code in (3, -9, -11, -40)] == [
        "exit status 3", "signal: killed", "signal: segmentation fault", "signal: 40",
    ]  # fmt: skip


def test_the_event_leaves_out_hop_headers_and_has_the_apis_host(simulate: Simulate, echo: str) -> None:
    """Spec §8.2, the Lambda column: Connection, Expect, TE... dropped; Host overwritten."""
    request = {
        "headers": {"Connection": "keep-alive", "Expect": "100-continue", "Host": "localhost:3000", "Via": "1.1 proxy"}
    }
    headers = json.loads(simulate(PROXY, request, handler=echo).response.body)["headers"]
    assert "Connection" not in headers and "Expect" not in headers
    assert headers["Host"] == "abcd1234ef.execute-api.us-east-1.amazonaws.com"
    assert headers["Via"] == "1.1 proxy"


def test_secrets_are_masked_in_the_logged_event_unless_asked(simulate: Simulate, echo: str) -> None:
    """STYLE §8.12: a log kept as a CI artifact holds no secret (the function's own answer,
    here an echo, is its business)."""
    request = {"headers": {"Authorization": "Bearer secret-token", "X-Api-Key": "key-1234567"}}

    def request_lines(reveal: bool) -> str:
        log = simulate(PROXY, request, handler=echo, reveal_secrets=reveal).log
        return "\n".join(line for line in log if "Method request headers" in line or "Endpoint request body" in line)

    masked = request_lines(False)
    assert "secret" not in masked and "key-1" not in masked
    assert "Authorization=*************-token" in masked and '"X-Api-Key": "*****234567"' in masked
    shown = request_lines(True)
    assert "Bearer secret-token" in shown and "key-1234567" in shown


def test_headers_given_both_ways_are_noted_in_the_log(simulate: Simulate, answer: str) -> None:
    body = '{"statusCode": 200, "multiValueHeaders": {"X-A": ["multi"]}, "headers": {"x-a": "solo"}}'
    result = simulate(PROXY, {"method": "POST", "body": body}, handler=answer)
    assert result.response.headers["X-A"] == ["multi", "solo"]
    assert any("gives X-A in headers and multiValueHeaders: both values are sent" in line for line in result.log)


def test_an_invoke_api_that_does_not_answer_in_time_is_a_504(backend: Backend, simulate: Simulate) -> None:
    backend.delay = 1.0
    result = simulate({**PROXY, "timeoutInMillis": 100}, lambda_endpoint=backend.url)
    assert result.response.status == 504


def test_several_matching_patterns_pick_the_first_and_warn(simulate: Simulate, tmp_path: Path) -> None:
    handler = write_handler(tmp_path, "fails", "def handler(event, context):\n    raise ValueError('four hundred')\n")
    integration = {
        **LOOKUP,
        "responses": {"default": {"statusCode": "200"}, ".*four.*": {"statusCode": "405"}, ".+": {"statusCode": "502"}},
    }
    result = simulate(integration, handler=handler + ":handler")
    assert result.response.status == 405
    assert result.warnings == [
        "test: 'four hundred' also matches '.+'; the first defined, '.*four.*', wins (AWS's rule between several "
        "matches is unconfirmed)"
    ]


def test_a_function_that_leaves_work_behind_still_answers_at_once(simulate: Simulate, tmp_path: Path) -> None:
    """Lambda freezes the sandbox when the handler returns: threads and exit hooks left
    running do not delay the answer."""
    source = (
        "import atexit, threading, time\n\n"
        "def handler(event, context):\n"
        "    threading.Thread(target=time.sleep, args=(30,)).start()\n"
        "    atexit.register(time.sleep, 30)\n"
        "    return {'statusCode': 204}\n"
    )
    started = time.monotonic()
    result = simulate(PROXY, handler=write_handler(tmp_path, "lingers", source) + ":handler")
    assert result.response.status == 204
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("result", "error_type"),
    [("'x' * 13_000_000", "Function.ResponseSizeTooLarge"), ("nested(5000)", "Runtime.MarshalError")],
)
def test_answers_lambda_cannot_return_are_function_errors(
    simulate: Simulate, tmp_path: Path, result: str, error_type: str
) -> None:
    nested = (
        "def nested(depth):\n    value = []\n    for _ in range(depth):\n        value = [value]\n    return value\n\n"
    )
    handler = write_handler(tmp_path, "odd", f"{nested}def handler(event, context):\n    return {result}\n")
    outcome = simulate(PROXY, handler=handler + ":handler")
    assert outcome.response.status == 502
    assert outcome.failure is not None and error_type in outcome.failure


def test_a_payload_python_cannot_read_is_an_unmarshal_error(simulate: Simulate) -> None:
    integration = {**LOOKUP, "requestTemplates": {"application/json": '{"petId": ' + "9" * 5000 + "}"}}
    result = simulate(
        {**integration, "responses": {"default": {"statusCode": "200"}}}, handler=f"{SAMPLES / 'pets.py'}:lookup"
    )
    assert json.loads(result.response.body)["errorType"] == "Runtime.UnmarshalError"


@pytest.mark.parametrize(
    "answer_body",
    ['{"statusCode": 200, "headers": {"X-A": "1\\r\\nX-B: 2"}}', '{"statusCode": 200, "headers": {"X": NaN}}'],
)
def test_headers_http_cannot_carry_make_the_answer_malformed(simulate: Simulate, answer: str, answer_body: str) -> None:
    result = simulate(PROXY, {"method": "POST", "body": answer_body}, handler=answer)
    assert result.response.status == 502
