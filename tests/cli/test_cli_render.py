"""``apigw render`` end to end: real files in, exact stdout, diagnostics on stderr, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cli import __version__
from apigw_cli.cli import app
from apigw_cli.errors import ExitStatus, TemplateSyntaxError
from tests.helpers import ROOT


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_renders_a_starter_template_exactly(runner: CliRunner, templates_dir: Path, samples_dir: Path) -> None:
    code, out, err = run(
        runner,
        "render",
        str(templates_dir / "create-pet.vtl"),
        "--request",
        str(samples_dir / "create-pet.json"),
        "--deterministic",
    )
    assert (code, err) == (0, "")
    assert out.endswith("}\n")  # the template's own final newline, nothing added
    assert json.loads(out)["name"] == "Rex O'Malley"
    assert json.loads(out)["source"]["requestId"] == "c0ffee00-1234-4abc-8def-0123456789ab"


def test_nothing_is_added_to_the_output(runner: CliRunner, tmp_path: Path) -> None:
    code, out, err = run(runner, "render", write(tmp_path, "t.vtl", "no newline"))
    assert (code, out, err) == (0, "no newline", "")


def test_template_and_body_from_standard_input(runner: CliRunner, tmp_path: Path) -> None:
    code, out, _ = run(runner, "render", "-", stdin="$input.path('$.a')")
    assert (code, out) == (0, "")
    template = write(tmp_path, "t.vtl", "$input.path('$.a')")
    code, out, _ = run(runner, "render", template, "--input", "-", stdin='{"a": "from stdin"}')
    assert (code, out) == (0, "from stdin")


def test_flags_build_the_request(runner: CliRunner, tmp_path: Path) -> None:
    template = write(
        tmp_path,
        "t.vtl",
        "$context.httpMethod $context.path $context.resourcePath $input.params('id') $input.params('tag') "
        "$input.params().querystring $input.params('X-A') $stageVariables.env $context.identity.sourceIp $context.authorizer.n",
    )
    code, out, err = run(
        runner, "render", template, "-X", "delete", "--path", "/pets/7", "--resource", "/pets/{id}", "--stage", "v1",
        "-p", "id=7", "-q", "tag=a", "-q", "tag=b", "-H", "X-A: 1", "-s", "env=dev",
        "--context", "identity.sourceIp=198.51.100.1", "--context", "authorizer.n=5",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == "DELETE /v1/pets/7 /pets/{id} 7 b {tag=b} 1 dev 198.51.100.1 5"


def test_flags_override_the_request_file(runner: CliRunner, tmp_path: Path, samples_dir: Path) -> None:
    template = write(tmp_path, "t.vtl", "$context.httpMethod $input.params('X-Owner-Id') $input.body")
    code, out, _ = run(
        runner, "render", template, "--request", str(samples_dir / "create-pet.json"), "-X", "PUT", "-H", "x-owner-id: me",
        "--input", write(tmp_path, "body.txt", "raw"),
    )  # fmt: skip
    assert (code, out) == (0, "PUT me raw")


def test_response_templates(runner: CliRunner, templates_dir: Path, samples_dir: Path, tmp_path: Path) -> None:
    code, out, err = run(
        runner, "render", str(templates_dir / "error-mapping.vtl"), "--response", str(samples_dir / "backend-404.json"),
        "--json", "--deterministic",
    )  # fmt: skip
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert list(document) == ["output", "requestOverride", "responseOverride", "warnings"]
    assert document["responseOverride"] == {"header": {}, "status": 404}
    assert json.loads(document["output"])["error"]["message"] == 'No pet "Rex" here'
    # With --response, --input is the response body.
    body = write(tmp_path, "b.json", '{"code": "INVALID", "message": "bad"}')
    code, out, _ = run(
        runner,
        "render",
        str(templates_dir / "error-mapping.vtl"),
        "--response",
        str(samples_dir / "backend-404.json"),
        "--input",
        body,
        "--json",
    )
    assert json.loads(out)["responseOverride"]["status"] == 400


def test_check_json_passes_valid_output(runner: CliRunner, tmp_path: Path) -> None:
    code, out, err = run(runner, "render", write(tmp_path, "t.vtl", '{"a": 1}'), "--check-json")
    assert (code, out, err) == (0, '{"a": 1}', "")


def test_check_json_shows_where_the_output_breaks(runner: CliRunner, tmp_path: Path) -> None:
    template = write(tmp_path, "t.vtl", "{\n  \"a\": $input.path('$.missing')\n}")
    code, out, err = run(runner, "render", template, "--check-json")
    assert code == ExitStatus.DIFFERENT
    assert out == '{\n  "a": \n}'  # the output is still printed
    assert err == ("apigw: error: the output is not valid JSON: Expecting value (output line 3, column 1)\n  }\n  ^\n")


def test_warnings_go_to_stderr(runner: CliRunner, tmp_path: Path) -> None:
    template = write(tmp_path, "t.vtl", '#set($s = "x")[$s.upper()]')
    code, out, err = run(runner, "render", template)
    assert (code, out) == (0, "[]")
    assert err == f"apigw: warning: {template}:1:19: String has no method 'upper'; API Gateway returns null here\n"


@pytest.mark.parametrize(
    ("files", "args", "status", "error"),
    [
        ({}, ["render", "none.vtl"], ExitStatus.INPUT, "apigw: error: none.vtl: no such template\n"),
        (
            {"t.vtl": "ok\n#set($x = )\n"},
            ["render", "t.vtl"],
            ExitStatus.TEMPLATE,
            "apigw: error: t.vtl:2:11: expected expression in assignment, found ')'\n  #set($x = )\n            ^\n",
        ),
        (
            {"t.vtl": "$input.__class__"},
            ["render", "t.vtl"],
            ExitStatus.SANDBOX,
            "apigw: error: t.vtl:1:8: '__class__' is not accessible from a template\n  $input.__class__\n         ^\n",
        ),
        (
            {"t.vtl": "$input.path('$.a')", "r.json": '{"body": "{oops"}'},
            ["render", "t.vtl", "--request", "r.json"],
            ExitStatus.TEMPLATE,
            "Could not process payload",
        ),
        (
            {"t.vtl": "x", "r.json": '{"methd": "GET"}'},
            ["render", "t.vtl", "--request", "r.json"],
            ExitStatus.INPUT,
            "apigw: error: r.json: unknown key 'methd' in the request\nhint: allowed keys: ",
        ),
        (
            {"t.vtl": "x", "r.json": "{"},
            ["render", "t.vtl", "--request", "r.json"],
            ExitStatus.INPUT,
            "apigw: error: r.json:1:2: invalid JSON: Expecting property name enclosed in double quotes\n",
        ),
        (
            {"t.vtl": "x"},
            ["render", "t.vtl", "-H", "no-colon"],
            ExitStatus.USAGE,
            "apigw: error: invalid header 'no-colon': expected 'Name: value'\n",
        ),
        (
            {},
            ["render", "-", "--input", "-"],
            ExitStatus.USAGE,
            "apigw: error: TEMPLATE and --input cannot share standard input; give files for all but one\n",
        ),
        (
            {"t.vtl": "x"},
            ["render", "t.vtl", "--request", "a", "--event", "b"],
            ExitStatus.USAGE,
            "apigw: error: --request and --event are alternatives; give one\n",
        ),
        ({}, ["render", "t.vtl", "--bogus"], ExitStatus.USAGE, "No such option: --bogus"),
    ],
)
def test_errors_have_one_line_and_an_exit_code(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    args: list[str],
    status: int,
    error: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        write(tmp_path, name, text)
    code, out, err = run(runner, *args)
    assert code == status
    assert out == ""
    if error.startswith("apigw: error:") and error.endswith("\n") and "hint" not in error:
        assert err == error
    else:
        assert error in err
    assert "Traceback" not in err


def test_traceback_on_request(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", write(tmp_path, "t.vtl", "#if("), "--traceback"])
    assert isinstance(result.exception, TemplateSyntaxError)


def test_unexpected_errors_are_internal(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("apigw_cli.render.render_template", broken)
    code, out, err = run(runner, "render", write(tmp_path, "t.vtl", "x"))
    assert code == ExitStatus.INTERNAL
    assert (
        err
        == "apigw: internal error: RuntimeError: boom\nhint: this is a bug in apigw; rerun with --traceback and report it\n"
    )


def test_interrupt_exits_130(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("apigw_cli.render.render_template", interrupted)
    code, _, err = run(runner, "render", write(tmp_path, "t.vtl", "x"))
    assert (code, err) == (ExitStatus.INTERRUPTED, "apigw: interrupted\n")


def test_version(runner: CliRunner) -> None:
    assert run(runner, "--version") == (0, f"apigw {__version__}\n", "")
    module = subprocess.run(
        [sys.executable, "-m", "apigw_cli", "--version"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert (module.returncode, module.stdout) == (0, f"apigw {__version__}\n")


def test_help_lists_the_exit_codes(runner: CliRunner) -> None:
    code, out, _ = run(runner, "--help")
    assert code == 0
    for status in ExitStatus:
        assert f"{status.value:>5}  " in out


def test_line_endings_reach_the_template_and_body_unchanged(runner: CliRunner, tmp_path: Path) -> None:
    template = tmp_path / "crlf.vtl"
    template.write_bytes(b"$input.body.length()\r\n")
    body = tmp_path / "body.txt"
    body.write_bytes(b"x\r\ny")
    result = runner.invoke(app, ["render", str(template), "--input", str(body)])
    assert (result.exit_code, result.stdout_bytes) == (0, b"4\r\n")


def test_flags_override_a_lambda_proxy_event(runner: CliRunner, tmp_path: Path) -> None:
    from tests.test_samples import SAM_EVENT

    event = write(tmp_path, "event.json", json.dumps(SAM_EVENT))
    template = write(tmp_path, "t.vtl", "$context.httpMethod $context.stage $context.path $context.requestId")
    code, out, _ = run(runner, "render", template, "--event", event, "-X", "PUT", "--stage", "dev")
    assert (code, out) == (0, "PUT dev /dev/path/to/resource c6af9ac6-7b61-11e6-9a41-93e8deadbeef")


def test_json_report_is_always_valid_json(runner: CliRunner, tmp_path: Path) -> None:
    template = write(
        tmp_path,
        "t.vtl",
        "#set($ok = $context.responseOverride.put($util, 1))#set($ok = $context.responseOverride.put('self', $context.responseOverride))"
        "#set($ok = $context.responseOverride.put('inf', $input.path('$.x')))",
    )
    code, out, _ = run(runner, "render", template, "--json", "--input", write(tmp_path, "b.json", '{"x": 1e999}'))
    assert code == 0
    assert json.loads(out)["responseOverride"] == {
        "header": {},
        "Util@apigw": 1,
        "self": "(this Map)",
        "inf": "Infinity",
    }


@pytest.mark.parametrize(
    ("args", "stdin", "status", "message"),
    [
        (
            ["render", "-", "--request", "-"],
            "x",
            ExitStatus.USAGE,
            "TEMPLATE and --request cannot share standard input",
        ),
        (
            ["render", "t.vtl", "--context", "responseOverride.status=500"],
            None,
            ExitStatus.USAGE,
            "--context responseOverride.status: overrides are what a template sets",
        ),
        (["render", "t.vtl", "--input", "-"], "\udcff", ExitStatus.INPUT, "<stdin>: the input file is not UTF-8 text"),
        (
            ["render", "t.vtl", "--request", "dates.yaml"],
            None,
            ExitStatus.INPUT,
            "key 'json': cannot be written as JSON",
        ),
        (["render", "t.vtl", "--request", "bomb.yaml"], None, ExitStatus.INPUT, "YAML aliases expand to more than"),
        (
            ["render", "t.vtl", "--response", "odd.yaml"],
            None,
            ExitStatus.INPUT,
            "key 'status': expected an HTTP status",
        ),
    ],
)
def test_more_bad_input(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    stdin: str | None,
    status: int,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "t.vtl", "$input.body")
    write(tmp_path, "dates.yaml", "json: {day: 2024-01-01}\n")
    write(tmp_path, "odd.yaml", "status: '²00'\n")
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]" for i in range(6)
    ]
    write(tmp_path, "bomb.yaml", "\n".join(levels) + "\njson: *g\n")
    result = runner.invoke(app, args, input=stdin.encode("utf-8", "surrogateescape") if stdin else None)
    assert result.exit_code == status
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    template = write(tmp_path, "t.vtl", "$input.body$input.body")
    body = write(tmp_path, "b.txt", "x" * 1_000_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "apigw_cli", "render", template, "--input", body],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(5) == b"xxxxx"
    process.stdout.close()  # like `| head -c 5`
    errors = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=30) == ExitStatus.OK
    assert errors == b""


def test_a_closed_stdout_is_reported(tmp_path: Path) -> None:
    template = write(tmp_path, "t.vtl", "hello")
    result = subprocess.run(
        ["sh", "-c", f"{sys.executable} -m apigw_cli render {template} >&-"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == ExitStatus.INPUT
    assert result.stderr == "apigw: error: cannot write the output: standard output is closed\n"
