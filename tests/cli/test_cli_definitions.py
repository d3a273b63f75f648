"""``apigw routes``, ``apigw invoke DEFINITION METHOD PATH`` and ``apigw render DEFINITION
--route``: the sample API in both its forms, its real backend started on 127.0.0.1 by the
test, its functions' own code, and the exit code of every error."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cli.cli import app
from apigw_cli.errors import ExitStatus
from tests.helpers import ROOT

API = ROOT / "samples" / "api"
SAM = str(API / "template.yaml")
OPENAPI = str(API / "openapi.yaml")
HANDLERS = str(API / "handlers.yaml")


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def pets_backend() -> Iterator[str]:
    """samples/api/backend.py on a free loopback port: its ``host:port``."""
    process = subprocess.Popen([sys.executable, str(API / "backend.py"), "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip().rpartition("http://")[2]
        assert address.startswith("127.0.0.1:"), address
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def body_of(out: str) -> str:
    return out.partition("\n\n")[2]


def test_routes_lists_every_method_with_where_it_goes(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run(runner, "routes", "samples/api/template.yaml")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["METHOD", "RESOURCE", "TYPE", "TARGET", "TEMPLATES"]
    assert [line.split()[:3] for line in lines[1:]] == [
        ["GET", "/health", "MOCK"], ["GET", "/pets", "HTTP"], ["POST", "/pets", "AWS_PROXY"],
        ["GET", "/pets/{petId}", "AWS"], ["ANY", "/store/{proxy+}", "HTTP_PROXY"],
    ]  # fmt: skip
    assert "lambda PetLookupFunction: samples/handlers/pets.py:lookup" in lines[4]
    assert lines[4].endswith("request: application/json; response: 404 (application/json), 200 (application/json)")


def test_routes_as_json_for_scripts(runner: CliRunner) -> None:
    code, out, _ = run(runner, "routes", OPENAPI, "--json")
    document = json.loads(out)
    (api,) = document["apis"]
    assert (code, api["name"], api["basePath"], api["stages"]) == (0, "pets", "/prod", {})
    lookup = next(route for route in api["routes"] if route["resource"] == "/pets/{petId}")
    assert lookup["type"] == "AWS" and lookup["handler"] is None
    assert [(item["selectionPattern"], item["statusCode"]) for item in lookup["responses"]] == [
        ("Not found.*", 404),
        (None, 200),
    ]
    mapped = json.loads(run(runner, "routes", OPENAPI, "--json", "--handler", HANDLERS)[1])
    lookup = next(route for route in mapped["apis"][0]["routes"] if route["resource"] == "/pets/{petId}")
    assert lookup["handler"].endswith("samples/handlers/pets.py:lookup")


def test_routes_of_a_template_with_several_apis_and_unresolved_values(runner: CliRunner, tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(
        "Parameters: {Host: {Type: String}}\nResources:\n"
        "  A:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: s\n      DefinitionBody:\n"
        "        swagger: '2.0'\n        paths:\n          /a:\n            get:\n"
        "              x-amazon-apigateway-integration: {type: http_proxy, uri: !Sub 'http://${Host}/a'}\n"
        "  B:\n    Type: AWS::Serverless::Api\n    Properties: {StageName: s, DefinitionBody: {swagger: '2.0', paths: {}}}\n",
        encoding="utf-8",
    )
    code, out, err = run(runner, "routes", str(template))
    assert code == 0 and out.splitlines()[1].split()[:5] == ["A", "GET", "/a", "HTTP_PROXY", "http://${Host}/a"]
    assert err == (
        f"apigw: warning: {template}: Resources.A.Properties.DefinitionBody.paths./a.get.x-amazon-apigateway-integration"
        ".uri.Fn::Sub: left as ${Host} (parameter Host has no Default; give --param Host=VALUE)\n"
    )


def test_invoke_routes_a_request_through_a_sam_template(runner: CliRunner, pets_backend: str) -> None:
    backend = ["--param", f"BackendUrl=http://{pets_backend}", "--deterministic"]
    code, out, err = run(runner, "invoke", SAM, "GET", "/pets?limit=1", *backend)
    assert (code, err, body_of(out)) == (0, "", '{"pets": [{"id": 7, "name": "Rex"}]}')
    code, out, _ = run(runner, "invoke", SAM, "PATCH", "/store/orders//3/?x=1", *backend, "--input", "-", stdin="hi")
    received = json.loads(body_of(out))
    assert (code, received["method"], received["path"], received["query"], received["body"]) == (
        0, "PATCH", "/store/orders//3", {"x": ["1"]}, "hi"
    )  # fmt: skip
    code, out, _ = run(runner, "invoke", SAM, "GET", "/pets/7", "--deterministic", "--json")
    result = json.loads(out)
    assert (code, result["status"], result["headers"]["X-Pet-Id"]) == (0, 200, "7")
    code, out, _ = run(runner, "invoke", SAM, "POST", "/pets", "--json", "--stage", "prod", "--input", "-",
                       stdin='{"name": "Fido"}')  # fmt: skip
    assert (code, json.loads(json.loads(out)["body"])) == (0, {"id": 9, "name": "Fido", "table": "pets-prod"})


def test_invoke_an_openapi_export_with_its_stage_variables_and_handlers(runner: CliRunner, pets_backend: str) -> None:
    code, out, _ = run(runner, "invoke", OPENAPI, "GET", "/pets", "-s", f"backend={pets_backend}")
    assert (code, body_of(out)) == (0, '{"pets": [{"id": 7, "name": "Rex"}, {"id": 8, "name": "Tom"}]}')
    code, out, err = run(runner, "invoke", OPENAPI, "GET", "/pets/7")
    assert code == ExitStatus.USAGE and "calls a Lambda function apigw has no local code for" in err
    code, out, _ = run(runner, "invoke", OPENAPI, "GET", "/pets/12", "--handler", HANDLERS)
    assert (code, out.splitlines()[0], body_of(out)) == (
        0,
        "HTTP/1.1 404 Not Found",
        '{"message": "Not found: pet 12"}',
    )
    code, out, _ = run(
        runner, "invoke", OPENAPI, "GET", "/pets/7", "--handler",
        f"PetLookupFunction={ROOT / 'samples' / 'handlers' / 'pets.py'}:lookup",
    )  # fmt: skip
    assert (code, body_of(out)) == (0, '{"id": 7, "name": "Rex", "species": "dog"}')


def test_an_unmatched_route_prints_awss_403(runner: CliRunner) -> None:
    code, out, err = run(runner, "invoke", SAM, "GET", "/owners", "--trace", "--fail-on-status")
    assert code == ExitStatus.DIFFERENT
    assert out.splitlines()[0] == "HTTP/1.1 403 Forbidden"
    assert body_of(out) == '{"message":"Missing Authentication Token"}'
    assert "no resource matches the path (GET /owners)" in err and "Method completed with status: 403" in err


def test_invoke_takes_method_and_path_from_the_request_file(runner: CliRunner, tmp_path: Path) -> None:
    request = tmp_path / "r.yaml"
    request.write_text("method: GET\npath: /health\n", encoding="utf-8")
    code, out, _ = run(runner, "invoke", SAM, "--request", str(request))
    assert (code, body_of(out)) == (0, '{"status": "ok", "stage": "prod"}')


def test_render_the_templates_a_route_keeps(runner: CliRunner, tmp_path: Path) -> None:
    code, out, _ = run(runner, "render", SAM, "--route", "GET /pets/7")
    assert (code, out) == (0, '{"petId": "7"}')
    code, out, _ = run(runner, "render", SAM, "--route", "GET /pets/{petId}", "-p", "petId=8")
    assert (code, out) == (0, '{"petId": "8"}')
    response = tmp_path / "lambda.json"
    response.write_text('{"status": 200, "json": {"errorMessage": "Not found: pet 9"}}', encoding="utf-8")
    code, out, _ = run(
        runner, "render", SAM, "--route", "GET /pets/9", "--for-status", "404", "--response", str(response)
    )
    assert (code, out) == (0, '{"message": "Not found: pet 9"}')
    code, out, _ = run(runner, "render", OPENAPI, "--route", "GET /pets", "--for-status", "200",
                       "--input", "-", stdin='{"animals": [{"animalId": 1, "animalName": "A\\"b"}]}')  # fmt: skip
    assert (code, out) == (0, '{"pets": [{"id": 1, "name": "A\\"b"}]}')
    code, out, _ = run(runner, "render", SAM, "--route", "GET /health", "--for-status", "200", "--stage", "prod")
    assert (code, out) == (0, '{"status": "ok", "stage": "prod"}')


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["render", SAM, "--route", "POST /pets"], ExitStatus.USAGE, "has a AWS_PROXY integration, so no mapping templates"),
        (["render", SAM, "--route", "GET /owners"], ExitStatus.USAGE, "no method of PetsApi answers it"),
        (["render", SAM, "--route", "GET /pets/7", "--content-type", "text/xml"], ExitStatus.USAGE,
         "has no request template for text/xml (its templates: application/json)"),
        (["render", SAM, "--route", "GET /pets/7", "--for-status", "500"], ExitStatus.USAGE,
         "has no integration response 500 (it has: 404, 200)"),
        (["render", SAM, "--route", "pets"], ExitStatus.USAGE, "expected 'METHOD PATH'"),
        (["render", "x.vtl", "--for-status", "200"], ExitStatus.USAGE, "choose a template with --route"),
        (["invoke", SAM, "GET", "/pets", "--type", "mock"], ExitStatus.USAGE, "--type describes an integration"),
        (["invoke", SAM, "GET", "/health", "--api", "Nope"], ExitStatus.USAGE, "has no REST API named 'Nope'"),
        (["invoke", SAM, "GET", "/health", "--stage", "beta"], ExitStatus.USAGE, "no stage 'beta' in the definition (its stages: prod)"),
        (["invoke", SAM, "FETCH", "/health"], ExitStatus.USAGE, "method 'FETCH': expected one of"),
        (["invoke", SAM, "GET", "health"], ExitStatus.USAGE, "expected a path after the stage, starting with '/'"),
        (["invoke", "--integration", SAM.replace("template", "x"), "--api", "A"], ExitStatus.USAGE, "--api and --param choose from a DEFINITION"),
        (["routes", str(ROOT / "README.md")], ExitStatus.INPUT, "README.md:"),
        (["routes", str(API / "missing.yaml")], ExitStatus.INPUT, "missing.yaml: no such definition"),
    ],
)  # fmt: skip
def test_errors_are_one_line_with_their_exit_code(
    runner: CliRunner, args: list[str], status: int, message: str
) -> None:
    code, out, err = run(runner, *args)
    assert (code, out) == (status, "")
    assert message in err and err.startswith("apigw: error: ") and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-X", "POST"], "--method: with a DEFINITION, METHOD and PATH say what the route gets"),
        (["--path", "/y"], "--path: with a DEFINITION"),
        (["-p", "petId=8"], "--path-param: with a DEFINITION"),
    ],
)
def test_request_options_cannot_contradict_method_and_path(runner: CliRunner, args: list[str], message: str) -> None:
    code, out, err = run(runner, "invoke", SAM, "GET", "/pets/7", *args)
    assert (code, out) == (ExitStatus.USAGE, "") and message in err


def test_a_definition_needs_a_method_and_path_from_somewhere(runner: CliRunner) -> None:
    code, _, err = run(runner, "invoke", SAM)
    assert code == ExitStatus.USAGE and "give METHOD and PATH after the DEFINITION" in err


def test_several_stages_need_one_named(runner: CliRunner, tmp_path: Path) -> None:
    template = tmp_path / "two.yaml"
    template.write_text(
        "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Body:\n"
        "        swagger: '2.0'\n        paths:\n          /x:\n            get:\n"
        "              x-amazon-apigateway-integration:\n"
        "                type: mock\n                requestTemplates: {application/json: '{\"statusCode\": 200}'}\n"
        "                responses: {default: {statusCode: '200', responseTemplates: {application/json: $stageVariables.v}}}\n"
        "  Dev: {Type: AWS::ApiGateway::Stage, Properties: {RestApiId: !Ref Api, StageName: dev, Variables: {v: d}}}\n"
        "  Prod: {Type: AWS::ApiGateway::Stage, Properties: {RestApiId: !Ref Api, StageName: prod, Variables: {v: p}}}\n",
        encoding="utf-8",
    )
    code, _, err = run(runner, "invoke", str(template), "GET", "/x")
    assert code == ExitStatus.USAGE and "the API has several stages (dev, prod); name the one to use" in err
    assert "hint: --stage NAME" in err
    code, out, _ = run(runner, "invoke", str(template), "GET", "/x", "--stage", "prod")
    assert (code, body_of(out)) == (0, "p")


def test_render_refuses_path_parameters_the_route_contradicts(runner: CliRunner) -> None:
    code, _, err = run(runner, "render", SAM, "--route", "GET /pets/7", "-p", "petId=8")
    assert code == ExitStatus.USAGE and "path parameter petId=8 contradicts the path" in err
    code, out, err = run(runner, "render", SAM, "--route", "GET /pets/{petId}?x=1")
    assert (code, out) == (0, '{"petId": ""}')
    assert "no value for path parameter petId (give it with -p)" in err


def test_routes_refuses_a_handler_for_a_function_the_api_does_not_call(runner: CliRunner) -> None:
    code, _, err = run(runner, "routes", SAM, "--handler", f"Typo={ROOT / 'samples' / 'handlers' / 'pets.py'}:lookup")
    assert code == ExitStatus.USAGE and "handler for 'Typo': PetsApi calls no function of that name" in err


def test_deep_plain_nesting_is_an_input_error(runner: CliRunner, tmp_path: Path) -> None:
    body = "[" * 900 + "]" * 900
    template = tmp_path / "deep.json"
    template.write_text(
        '{"Resources": {"A": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": ' + body + "}}}}",
        encoding="utf-8",
    )
    code, _, err = run(runner, "routes", str(template))
    assert (code, err) == (ExitStatus.INPUT, f"apigw: error: {template}: the definition nests too deeply\n")
