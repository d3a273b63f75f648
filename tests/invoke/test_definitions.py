"""Reading integration definitions (spec §10): OpenAPI's x-amazon-apigateway-integration and
CloudFormation's Integration, strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from apigw_cli.definitions.integration import integration_from_mapping, load_integration
from apigw_cli.errors import DefinitionError, ExitStatus, InputError


def test_the_openapi_example_of_the_spec_reads_whole() -> None:
    integration = integration_from_mapping(
        {
            "type": "http",
            "uri": "https://backend.example/pets/{id}",
            "httpMethod": "GET",
            "passthroughBehavior": "when_no_templates",
            "timeoutInMillis": 5000,
            "requestParameters": {"integration.request.path.id": "method.request.path.petId"},
            "requestTemplates": {"application/json": '{"id": "$input.params(\'petId\')"}'},
            "responses": {
                "4\\d{2}": {"statusCode": "404", "responseTemplates": {"application/json": "{}"}},
                "default": {
                    "statusCode": "200",
                    "responseParameters": {"method.response.header.X-Id": "integration.response.header.x-id"},
                },
            },
        },
        "api.yaml",
    )
    assert (integration.type, integration.passthrough_behavior, integration.timeout_ms) == (
        "HTTP",
        "WHEN_NO_TEMPLATES",
        5000,
    )
    assert [(r.selection_pattern, r.status) for r in integration.responses] == [("4\\d{2}", 404), (None, 200)]
    template = integration.request_templates["application/json"]
    assert template.name == "api.yaml[requestTemplates.application/json]"
    assert integration.responses[1].parameters == {"method.response.header.X-Id": "integration.response.header.x-id"}


def test_defaults_are_putintegrations() -> None:
    """PutIntegration defaults: WHEN_NO_MATCH, 29,000 ms (spec §3.1, §6.9)."""
    integration = integration_from_mapping({"type": "MOCK"}, "x")
    assert (integration.passthrough_behavior, integration.timeout_ms, integration.responses) == (
        "WHEN_NO_MATCH",
        29000,
        [],
    )


def test_cloudformation_integration_reads_the_same() -> None:
    """Spec §10.2: IntegrationResponses with SelectionPattern; none is the default."""
    integration = integration_from_mapping(
        {
            "Integration": {
                "Type": "MOCK",
                "RequestTemplates": {"application/json": '{"statusCode": 200}'},
                "IntegrationResponses": [
                    {"StatusCode": "200", "ResponseTemplates": {"application/json": '{"ok": true}'}},
                    {"StatusCode": "404", "SelectionPattern": "404"},
                ],
            }
        },
        "stack.yaml",
    )
    assert integration.type == "MOCK"
    assert [(r.selection_pattern, r.status) for r in integration.responses] == [(None, 200), ("404", 404)]


def test_newer_cloudformation_properties_are_accepted() -> None:
    integration = integration_from_mapping({"Type": "HTTP_PROXY", "Uri": "https://x", "ResponseTransferMode": "STREAM",
                                            "IntegrationTarget": "arn:x"}, "stack.yaml")  # fmt: skip
    assert integration.type == "HTTP_PROXY"


def test_a_file_wrapped_in_its_openapi_key_reads(tmp_path: Path) -> None:
    path = tmp_path / "i.json"
    path.write_text(
        '{"x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST"}}', encoding="utf-8"
    )
    assert load_integration(str(path)).type == "AWS_PROXY"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "mock", "requestTemplate": {}}, "x: unknown key 'requestTemplate' in the integration"),
        ({"uri": "x"}, "x: the integration needs a 'type'"),
        ({"type": "lambda"}, "x: key 'type': expected one of MOCK, HTTP, HTTP_PROXY, AWS, AWS_PROXY, got 'lambda'"),
        ({"type": "mock", "passthroughBehavior": "sometimes"}, "key 'passthroughBehavior': expected one of"),
        (
            {"type": "mock", "timeoutInMillis": 10},
            "key 'timeoutInMillis': expected milliseconds from 50 to 900000, got 10",
        ),
        ({"type": "mock", "timeoutInMillis": 10**13}, "key 'timeoutInMillis': expected milliseconds from 50"),
        ({"type": "mock", "responses": {"default": {"statusCode": "2000"}}}, "key 'responses.default.statusCode'"),
        ({"type": "mock", "responses": {"default": {"status": "200"}}}, "key 'responses.default.status': unknown key"),
        (
            {"type": "http", "requestParameters": {"integration.request.header.X": "method.request.path"}},
            "invalid mapping expression 'method.request.path'",
        ),
        (
            {"type": "http", "requestParameters": {"method.request.header.X": "'a'"}},
            "invalid mapping target; expected integration.request.header|querystring|path.NAME",
        ),
        (
            {
                "type": "mock",
                "responses": {
                    "default": {
                        "statusCode": "200",
                        "responseParameters": {"method.response.header.X": "method.request.header.Y"},
                    }
                },
            },
            "invalid mapping expression 'method.request.header.Y'",
        ),
        ({"type": "mock", "requestTemplates": {"json": "{}"}}, "expected a content type such as application/json"),
        ({"type": "aws_proxy", "payloadFormatVersion": "3.0"}, "key 'payloadFormatVersion': expected 1.0 or 2.0"),
        ({"Type": "MOCK", "Bogus": 1}, "x: unknown key 'Bogus' in the integration"),
        ("mock", "x: an integration must be a mapping, not text"),
    ],
)
def test_what_api_gateway_would_refuse_is_a_definition_error(data: object, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        integration_from_mapping(data, "x")
    assert message in str(caught.value)
    assert caught.value.exit_status == ExitStatus.INPUT


def test_a_missing_or_broken_file_names_itself(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such integration file"):
        load_integration(str(tmp_path / "none.yaml"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("type: mock\nresponses: [\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.yaml:3:1: invalid YAML"):
        load_integration(str(broken))
