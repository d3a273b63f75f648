"""``apigw invoke`` end to end: real files, real handlers and a real loopback backend; exact
stdout, the trace on stderr, and the exit code of every outcome."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from apigw_cli.cli import app
from apigw_cli.errors import ExitStatus
from tests.backend import Backend
from tests.helpers import ROOT

SAMPLES = ROOT / "samples"
MOCK = str(SAMPLES / "integrations" / "mock-pets.yaml")
PETS = str(SAMPLES / "handlers" / "pets.py")


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["invoke", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_prints_the_method_response_like_curl_i(runner: CliRunner) -> None:
    code, out, err = run(runner, "--integration", MOCK, "-p", "petId=7", "--deterministic")
    assert (code, err) == (0, "")
    assert out == (
        "HTTP/1.1 200 OK\n"
        "Date: Thu, 01 Jan 2026 00:00:00 GMT\n"
        "Content-Type: application/json\n"
        "Content-Length: 24\n"
        "x-amzn-RequestId: c0ffee00-1234-4abc-8def-0123456789ab\n"
        "X-Request-Id: c0ffee00-1234-4abc-8def-0123456789ab\n"
        "x-amz-apigw-id: AbCdEfGhIjKlMnO=\n"
        "X-Amzn-Trace-Id: Root=1-6955b900-c0ffee0012344abc8def0123\n"
        "\n"
        '{"id": 7, "name": "Rex"}'
    )


def test_json_prints_test_invoke_methods_fields(runner: CliRunner) -> None:
    code, out, _ = run(runner, "--integration", MOCK, "-p", "petId=8", "--deterministic", "--json")
    document = json.loads(out)
    assert code == 0
    assert list(document) == [
        "status", "headers", "multiValueHeaders", "body", "isBase64Encoded", "latencyMs", "log", "failure", "warnings",
    ]  # fmt: skip
    assert (document["status"], document["body"]) == (404, '{"message": "no pet 8"}')
    assert document["headers"]["Content-Type"] == "application/json"
    assert document["log"].splitlines()[-1] == "Thu Jan 01 00:00:00 UTC 2026 : Method completed with status: 404"


def test_trace_goes_to_stderr_and_leaves_stdout_alone(runner: CliRunner) -> None:
    _, plain, _ = run(runner, "--integration", MOCK, "-p", "petId=7", "--deterministic")
    code, out, err = run(runner, "--integration", MOCK, "-p", "petId=7", "--deterministic", "--trace")
    assert (code, out) == (0, plain)
    assert err.splitlines()[0] == "Execution log for request c0ffee00-1234-4abc-8def-0123456789ab"
    assert err.splitlines()[-1] == "Thu Jan 01 00:00:00 UTC 2026 : Method completed with status: 200"


def test_fail_on_status_turns_a_4xx_into_exit_1(runner: CliRunner) -> None:
    code, out, err = run(runner, "--integration", MOCK, "-p", "petId=8")
    assert code == ExitStatus.OK and out.startswith("HTTP/1.1 404 Not Found\n")
    code, out, err = run(runner, "--integration", MOCK, "-p", "petId=8", "--fail-on-status")
    assert (code, err) == (ExitStatus.DIFFERENT, "apigw: error: the method response status is 404\n")
    assert out.startswith("HTTP/1.1 404 Not Found\n")


def test_a_failing_backend_shows_awss_answer_and_exits_6(runner: CliRunner) -> None:
    code, out, err = run(runner, "--type", "aws_proxy", "--handler", f"{SAMPLES / 'handlers' / 'misbehaving.py'}:crash")
    assert code == ExitStatus.INTEGRATION
    assert out.startswith("HTTP/1.1 502 Bad Gateway\n") and out.endswith('\n\n{"message": "Internal server error"}')
    # The handler's file and line, as the user wrote it (relative to where apigw runs).
    assert err.startswith("apigw: error: ")
    assert err.endswith("misbehaving.py:11: ZeroDivisionError: division by zero (AWS answers 502)\n")


def test_shortcuts_build_an_integration_without_a_file(runner: CliRunner, tmp_path: Path) -> None:
    request_template = write(tmp_path, "req.vtl", '{"statusCode": $input.params("code")}')
    response_template = write(tmp_path, "resp.vtl", '{"code": $input.params("code")}')
    code, out, _ = run(
        runner, "--type", "mock", "--request-template", request_template, "--response-template", response_template,
        "-q", "code=200",
    )  # fmt: skip
    assert code == 0 and out.endswith('\n\n{"code": 200}')


def test_shortcuts_override_the_file(runner: CliRunner, tmp_path: Path) -> None:
    response_template = write(tmp_path, "resp.vtl", "overridden")
    code, out, _ = run(runner, "--integration", MOCK, "-p", "petId=7", "--response-template", response_template)
    assert code == 0 and out.endswith("\n\noverridden")


def test_http_proxy_shortcut_calls_a_real_backend(runner: CliRunner, backend: Backend) -> None:
    """The console maps {proxy} from the method's path parameter; so does the shortcut."""
    backend.body = b"from the backend"
    code, out, _ = run(
        runner, "--type", "http_proxy", "--uri", backend.url + "/site/{proxy}", "--resource", "/{proxy+}",
        "--path", "/a/b", "-p", "proxy=a/b", "-q", "x=1",
    )  # fmt: skip
    assert code == 0 and out.endswith("\n\nfrom the backend")
    assert backend.received[0].target == "/site/a/b?x=1"


def test_a_backend_response_file_stands_in_for_the_backend(runner: CliRunner) -> None:
    code, out, _ = run(
        runner, "--integration", str(SAMPLES / "integrations" / "http-pets.yaml"),
        "--backend-response", str(SAMPLES / "backend-animal.json"), "--request", str(SAMPLES / "get-pet.json"),
    )  # fmt: skip
    assert code == 0 and out.endswith('\n\n{"id": 7, "name": "Rex"}\n')


def test_a_lambda_handler_runs(runner: CliRunner) -> None:
    code, out, _ = run(
        runner, "--integration", str(SAMPLES / "integrations" / "lambda-pets.yaml"), "--handler", f"{PETS}:lookup",
        "-p", "petId=9",
    )  # fmt: skip
    assert code == 0 and out.startswith("HTTP/1.1 404 Not Found\n") and out.endswith('{"message": "Not found: pet 9"}')


def test_bad_usage_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    assert run(runner)[0] == ExitStatus.USAGE  # nothing to invoke
    assert run(runner, "--type", "lambda") == (
        ExitStatus.USAGE,
        "",
        "apigw: error: --type 'lambda': expected one of mock, http, http_proxy, aws, aws_proxy\n",
    )
    code, _, err = run(
        runner, "--type", "aws_proxy", "--handler", f"{PETS}:proxy", "--lambda-endpoint", "http://127.0.0.1:3001"
    )
    assert (code, err) == (
        ExitStatus.USAGE,
        "apigw: error: --handler and --lambda-endpoint are alternatives; give one\n",
    )
    code, _, err = run(runner, "--type", "aws_proxy")
    assert (
        code == ExitStatus.USAGE
        and "needs a function: a handler (--handler FILE.py:FUNCTION, or handler: in a case) or --lambda-endpoint URL"
        in err
    )
    code, _, err = run(runner, "--integration", "-", "--input", "-", stdin="")
    assert (code, err) == (
        ExitStatus.USAGE,
        "apigw: error: --integration and --input cannot share standard input; give files for all but one\n",
    )
    assert run(runner, "--type", "aws_proxy", "--payload-format", "3")[0] == ExitStatus.USAGE


def test_bad_files_exit_3_naming_them(runner: CliRunner, tmp_path: Path) -> None:
    assert run(runner, "--integration", str(tmp_path / "none.yaml")) == (
        ExitStatus.INPUT, "", f"apigw: error: {tmp_path / 'none.yaml'}: no such integration file\n",
    )  # fmt: skip
    bad = write(tmp_path, "bad.yaml", "type: mock\nrequestTemplate: {}\n")
    code, _, err = run(runner, "--integration", bad)
    assert code == ExitStatus.INPUT and err.startswith(
        f"apigw: error: {bad}: unknown key 'requestTemplate' in the integration\n"
    )
    code, _, err = run(runner, "--type", "aws_proxy", "--handler", str(tmp_path / "gone.py") + ":handler")
    assert (code, err) == (ExitStatus.INPUT, f"apigw: error: {tmp_path / 'gone.py'}: no such handler file\n")


def test_a_template_error_exits_4_at_its_place(runner: CliRunner, tmp_path: Path) -> None:
    definition = write(
        tmp_path, "i.yaml", "type: mock\nrequestTemplates:\n  application/json: '{\"statusCode\": #if(}'\n"
    )
    code, out, err = run(runner, "--integration", definition)
    assert (code, out) == (ExitStatus.TEMPLATE, "")
    assert err.startswith(f"apigw: error: {definition}[requestTemplates.application/json]:1:")


def test_binary_bodies_reach_stdout_as_bytes(tmp_path: Path) -> None:
    raw = bytes(range(256))
    handler = write(
        tmp_path, "image.py",
        f"def handler(event, context):\n    return {{'statusCode': 200, 'headers': {{'Content-Type': 'image/png'}}, "
        f"'body': {base64.b64encode(raw).decode()!r}, 'isBase64Encoded': True}}\n",
    )  # fmt: skip
    completed = subprocess.run(
        [sys.executable, "-m", "apigw_cli", "invoke", "--type", "aws_proxy", "--handler", f"{handler}:handler",
         "-H", "Accept: image/png", "--binary-media-type", "image/*"],
        capture_output=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    head, _, body = completed.stdout.partition(b"\n\n")
    assert body == raw
    assert b"Content-Length: 256" in head


def test_payload_format_2_sends_http_apis_event(runner: CliRunner, tmp_path: Path) -> None:
    handler = write(tmp_path, "v.py", "def handler(event, context):\n    return {'version': event['version']}\n")
    code, out, _ = run(runner, "--type", "aws_proxy", "--handler", f"{handler}:handler", "--payload-format", "2.0")
    assert code == 0 and out.endswith('\n\n{"version": "2.0"}')


def test_the_commands_lists_are_the_cores() -> None:
    from apigw_cli.cli.invoke import PAYLOAD_FORMATS, TYPES
    from apigw_cli.definitions import integration

    assert [name.upper() for name in TYPES] == list(integration.TYPES)
    assert PAYLOAD_FORMATS == integration.PAYLOAD_FORMATS


def test_a_function_timeout_out_of_lambdas_range_is_bad_usage(runner: CliRunner) -> None:
    for value in ("nan", "inf", "0", "1e10"):
        code, _, err = run(runner, "--type", "aws_proxy", "--handler", f"{PETS}:proxy", "--function-timeout", value)
        assert code == ExitStatus.USAGE and "expected seconds from 0.001 to 900" in err


def test_a_response_file_with_a_forged_header_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    response = write(tmp_path, "r.json", '{"status": 200, "headers": {"Content-Type": "text/html\\r\\nSet-Cookie: x"}}')
    code, out, err = run(runner, "--type", "http_proxy", "--uri", "http://127.0.0.1:9/", "--backend-response", response)
    assert (code, out) == (ExitStatus.INPUT, "")
    assert "key 'headers.Content-Type': HTTP cannot carry it" in err


def test_the_trace_starts_on_its_own_line_when_both_streams_go_to_one_place(tmp_path: Path) -> None:
    out = tmp_path / "both.txt"
    with out.open("wb") as file:
        subprocess.run(
            [sys.executable, "-m", "apigw_cli", "invoke", "--integration", MOCK, "-p", "petId=7", "--trace"],
            stdout=file, stderr=subprocess.STDOUT, check=True, cwd=ROOT,
        )  # fmt: skip
    assert '{"id": 7, "name": "Rex"}\nExecution log for request ' in out.read_text(encoding="utf-8")
