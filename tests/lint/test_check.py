"""apigw check: every audit rule fires on a definition that has the problem and not on the
fixed one; the sample API is clean; the table, JSON and JUnit reports."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from apigw_cli.cli import app
from apigw_cli.definitions.load import load_definition
from apigw_cli.errors import ExitStatus
from apigw_cli.lint.check import check_api, sample_of
from tests.helpers import ROOT


def openapi(operation: str, components: str = "") -> str:
    return f"openapi: 3.0.1\ninfo: {{title: t}}\npaths:\n  /a:\n    post:\n{operation}{components}"


MOCK_200 = (
    "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n"
    "              schema: {type: object, required: [id], properties: {id: {type: integer}}}\n"
)


def integration(body: str) -> str:
    return "      x-amazon-apigateway-integration:\n" + "".join(f"        {line}\n" for line in body.splitlines())


#: rule → (a definition that has the problem, the same fixed).
CHECKS = {
    "no-integration": (openapi("      responses: {'200': {description: ok}}\n"),
                       openapi(integration("type: mock\nrequestTemplates: {application/json: '{\"statusCode\": 200}'}\n"
                                           "responses: {default: {statusCode: '200'}}"))),
    "passthrough-415": (
        openapi("      requestBody: {content: {application/xml: {example: '<a/>'}}}\n"
                + integration("type: http\nuri: http://h/a\nhttpMethod: POST\npassthroughBehavior: never\n"
                              "requestTemplates: {application/json: '{}'}\nresponses: {default: {statusCode: '200'}}")),
        openapi("      requestBody: {content: {application/json: {example: {a: 1}}}}\n"
                + integration("type: http\nuri: http://h/a\nhttpMethod: POST\npassthroughBehavior: never\n"
                              "requestTemplates: {application/json: '{}'}\nresponses: {default: {statusCode: '200'}}")),
    ),
    "mock-status": (openapi(integration("type: mock\nrequestTemplates: {application/json: '{\"status\": 200}'}\n"
                                        "responses: {default: {statusCode: '200'}}")),
                    openapi(integration("type: mock\nrequestTemplates: {application/json: '{\"statusCode\": 200}'}\n"
                                        "responses: {default: {statusCode: '200'}}"))),
    "model-mismatch": (
        openapi(MOCK_200 + integration("type: mock\nrequestTemplates: {application/json: '{\"statusCode\": 200}'}\n"
                                       "responses: {default: {statusCode: '200', responseTemplates: "
                                       "{application/json: '{\"id\": \"seven\"}'}}}")),
        openapi(MOCK_200 + integration("type: mock\nrequestTemplates: {application/json: '{\"statusCode\": 200}'}\n"
                                       "responses: {default: {statusCode: '200', responseTemplates: "
                                       "{application/json: '{\"id\": 7}'}}}")),
    ),
    "unreachable-response": (
        openapi(integration("type: http\nuri: http://h/a\nhttpMethod: POST\n"
                            "responses: {default: {statusCode: '200'}, 'x\\d+': {statusCode: '400'}}")),
        openapi(integration("type: http\nuri: http://h/a\nhttpMethod: POST\n"
                            "responses: {default: {statusCode: '200'}, '4\\d\\d': {statusCode: '400'}}")),
    ),
    "shadowed-pattern": (
        openapi(integration("type: http\nuri: http://h/a\nhttpMethod: POST\nresponses:\n"
                            "  '4\\d\\d': {statusCode: '400'}\n  '404': {statusCode: '404'}\n  default: {statusCode: '200'}")),
        openapi(integration("type: http\nuri: http://h/a\nhttpMethod: POST\nresponses:\n"
                            "  '404': {statusCode: '404'}\n  '4\\d\\d': {statusCode: '400'}\n  default: {statusCode: '200'}")),
    ),
}  # fmt: skip


def audit(tmp_path: Path, text: str) -> set[str]:
    (tmp_path / "api.yaml").write_text(text, encoding="utf-8")
    report = check_api(load_definition(str(tmp_path / "api.yaml")).api(None))
    return {finding.rule for audit in report.audits for finding in audit.findings}


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_each_audit_rule_fires_on_the_problem_and_not_on_the_fix(tmp_path: Path, rule: str) -> None:
    problem, fixed = CHECKS[rule]
    assert rule in audit(tmp_path, problem)
    assert rule not in audit(tmp_path, fixed)


def test_a_lambda_catch_all_shadows_what_follows(tmp_path: Path) -> None:
    uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations"
    found = audit(tmp_path, openapi(integration(
        f"type: aws\nuri: {uri}\nhttpMethod: POST\nresponses:\n  '.*': {{statusCode: '500'}}\n"
        "  'Not found.*': {statusCode: '404'}\n  default: {statusCode: '200'}")))  # fmt: skip
    assert {"shadowed-pattern", "unreachable-response"} <= found


def test_payloads_are_made_from_schemas() -> None:
    schema = {"type": "object", "properties": {"id": {"type": "integer", "minimum": 3}, "tags": {"type": "array",
              "items": {"type": "string", "enum": ["a"]}}, "at": {"type": "string", "format": "date-time"}}}  # fmt: skip
    assert sample_of(schema, 0) == {"id": 3, "tags": ["a"], "at": "2026-01-01T00:00:00Z"}


def test_the_sample_api_is_clean_and_reported_three_ways(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["check", str(ROOT / "samples" / "api" / "openapi.yaml"), "--junit", str(tmp_path / "j.xml")]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == ["METHOD", "RESOURCE", "TYPE", "TEMPLATES", "ERRORS", "WARNINGS",
                                                     "NOTES", "RESULT"]  # fmt: skip
    assert result.stdout.splitlines()[-1] == "pets: 5 method(s), 7 template(s): 0 error(s), 0 warning(s), 0 note(s)"
    suite = ElementTree.parse(tmp_path / "j.xml").getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("5", "0")
    document = json.loads(
        runner.invoke(app, ["check", str(ROOT / "samples" / "api" / "template.yaml"), "--json"]).stdout
    )
    assert document["apis"][0]["summary"] == {"methods": 5, "errors": 0, "warnings": 0, "notes": 0}


def test_a_failing_audit_exits_1_and_fails_its_junit_case(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(CHECKS["mock-status"][0], encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "api.yaml"), "--junit", str(tmp_path / "j.xml")])
    assert result.exit_code == ExitStatus.DIFFERENT
    assert "error mock-status: the output has no integer statusCode" in result.stdout
    failure = ElementTree.parse(tmp_path / "j.xml").getroot().find("testsuite/testcase/failure")
    assert failure is not None and "mock-status" in (failure.text or "")


def test_cloudformation_models_are_checked(tmp_path: Path) -> None:
    template = (
        "Resources:\n  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: x}}\n"
        "  PetModel:\n    Type: AWS::ApiGateway::Model\n    Properties:\n      RestApiId: !Ref Api\n"
        "      Name: Pet\n      Schema: '{\"type\": \"object\", \"required\": [\"id\"], "
        "\"properties\": {\"id\": {\"type\": \"integer\"}}}'\n"
        "  M:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n"
        "      ResourceId: !GetAtt Api.RootResourceId\n      HttpMethod: GET\n      Integration:\n        Type: MOCK\n"
        "        RequestTemplates: {application/json: '{\"statusCode\": 200}'}\n"
        "        IntegrationResponses: [{StatusCode: '200', ResponseTemplates: {application/json: '{\"id\": %s}'}}]\n"
        "      MethodResponses: [{StatusCode: '200', ResponseModels: {application/json: %s}}]\n"
    )  # fmt: skip
    assert "model-mismatch" in audit(tmp_path, template % ('"x"', "!Ref PetModel"))
    assert "model-mismatch" in audit(tmp_path, template % ('"x"', "Pet"))  # by its Name
    assert "model-mismatch" not in audit(tmp_path, template % ("7", "!Ref PetModel"))
    assert "model-mismatch" not in audit(tmp_path, template % ('"x"', "Empty"))  # API Gateway's own, no check


def test_a_backend_response_template_is_linted_not_fed_the_clients_model(tmp_path: Path) -> None:
    """The model describes what the template writes, not what the backend sends it."""
    found = audit(tmp_path, openapi(
        MOCK_200.replace("'200'", "'200'") + integration(
            "type: http\nuri: http://h/a\nhttpMethod: POST\nresponses:\n  default:\n    statusCode: '200'\n"
            "    responseTemplates: {application/json: '#set($i = $input.path(''$.Items''))\n{\"id\": $i.size()}'}")))  # fmt: skip
    assert found == set()


def test_payloads_respect_the_schemas_bounds() -> None:
    schema = {"type": "object", "properties": {
        "code": {"type": "string", "maxLength": 3}, "big": {"type": "string", "minLength": 10**9},
        "pair": {"type": "array", "minItems": 2, "items": {"type": "integer"}},
        "positive": {"type": "integer", "minimum": 0, "exclusiveMinimum": True}}}  # fmt: skip
    sample = sample_of(schema, 0)
    assert (sample["code"], len(sample["big"]), sample["pair"], sample["positive"]) == ("str", 1000, [0, 0], 1)
