"""MOCK integrations end to end (spec §5), with the stages every non-proxy integration shares:
template selection, passthrough and 415 (§3), overrides (§6.6), selection (§4)."""

from __future__ import annotations

import pytest

from apigw_cli.errors import SandboxViolation, TemplateSyntaxError
from apigw_cli.integrations.mock import mock_status
from tests.invoke.conftest import Simulate

PETS = {
    "type": "mock",
    "requestTemplates": {
        "application/json": '#if($input.params("petId") == "7"){"statusCode": 200}#else{"statusCode": 404}#end'
    },
    "responses": {
        "default": {
            "statusCode": "200",
            "responseParameters": {"method.response.header.X-Kind": "'pet'"},
            "responseTemplates": {
                "application/json": '{"id": $input.params("petId"), "body": $input.body}',
                "application/xml": "<pet id=\"$input.params('petId')\"/>",
            },
        },
        "4\\d{2}": {"statusCode": "404", "responseTemplates": {"application/json": '{"message": "no pet"}'}},
    },
}


@pytest.mark.parametrize(
    ("output", "status"),
    [
        ('{"statusCode": 200}', 200),
        ("{statusCode: 200}", 200),  # CDK's CORS helper (recorded)
        ('{\n  "statusCode": 200,\n}', 200),  # trailing comma (recorded)
        ("{'statusCode': 404}", 404),
        ('{"statusCode": "500"}', 500),  # unconfirmed: a lenient reader takes it
        ('{"status": 200}', None),
        ('{"statusCode": true}', None),
        ("", None),
        ('{"statusCode": ' + "9" * 5000 + "}", None),  # more digits than Python reads
        ("[" * 100_000 + '"statusCode": 200', 200),  # too deep for JSON, still read leniently
    ],
)
def test_mock_status(output: str, status: int | None) -> None:
    assert mock_status(output) == status


def test_the_request_templates_status_selects_the_response(simulate: Simulate) -> None:
    found = simulate(PETS, {"pathParameters": {"petId": "7"}})
    assert (found.response.status, found.response.body) == (200, '{"id": 7, "body": {}}')
    assert found.response.header("X-Kind") == "pet"
    missing = simulate(PETS, {"pathParameters": {"petId": "8"}})
    assert (missing.response.status, missing.response.body) == (404, '{"message": "no pet"}')
    assert missing.failure is None


def test_the_response_template_follows_accept(simulate: Simulate) -> None:
    result = simulate(PETS, {"pathParameters": {"petId": "7"}, "headers": {"Accept": "application/xml"}})
    assert result.response.body == '<pet id="7"/>'
    assert result.response.header("Content-Type") == "application/xml"


def test_no_request_template_returns_the_default_response(simulate: Simulate) -> None:
    result = simulate({"type": "mock", "responses": {"default": {"statusCode": "204"}}})
    assert (result.response.status, result.response.body) == (204, "")


def test_an_output_without_status_is_a_configuration_error(simulate: Simulate) -> None:
    result = simulate(
        {
            "type": "mock",
            "requestTemplates": {"application/json": "{}"},
            "responses": {"default": {"statusCode": "200"}},
        }
    )
    assert (result.response.status, result.response.body) == (500, '{"message":"Internal server error"}')
    assert result.failure is not None and "no integer statusCode" in result.failure
    assert any("Unable to parse statusCode" in line for line in result.log)


def test_no_matching_response_and_no_default_is_a_500(simulate: Simulate) -> None:
    result = simulate(
        {
            "type": "mock",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "responses": {"4\\d{2}": {"statusCode": "400"}},
        }
    )
    assert result.response.status == 500
    assert any("No match for output mapping and no default output mapping configured" in line for line in result.log)


@pytest.mark.parametrize(("behavior", "status"), [("WHEN_NO_MATCH", 200), ("WHEN_NO_TEMPLATES", 415), ("NEVER", 415)])
def test_a_content_type_without_template_under_each_passthrough_behavior(
    simulate: Simulate, behavior: str, status: int
) -> None:
    """Spec §3.1, §12.12: a form post against a JSON-only template."""
    integration = {**PETS, "passthroughBehavior": behavior}
    result = simulate(
        integration, {"method": "POST", "headers": {"Content-Type": "application/x-www-form-urlencoded"}, "body": "a=b"}
    )
    assert result.response.status == status
    if status == 415:
        assert result.response.body == '{"message":"Unsupported Media Type"}'
        assert result.failure is None  # the gateway answered; nothing failed


def test_overrides_from_the_request_template_reach_the_method_response(simulate: Simulate) -> None:
    """Spec §5 (recorded): responseOverride set in the request template applies even without a
    response template; requestOverride values are readable in the response template."""
    result = simulate(
        {
            "type": "mock",
            "requestTemplates": {
                "application/json": "#set($context.responseOverride.status = 444)"
                '#set($context.responseOverride.header.foo = "bar")'
                '#set($context.requestOverride.path.carry = "kept"){"statusCode": 200}'
            },
            "responses": {
                "default": {
                    "statusCode": "200",
                    "responseTemplates": {"application/json": "$context.requestOverride.path.carry"},
                }
            },
        }
    )
    assert (result.response.status, result.response.header("foo"), result.response.body) == (444, "bar", "kept")


def test_a_status_override_that_is_not_a_status_is_ignored_with_a_warning(simulate: Simulate) -> None:
    result = simulate(
        {
            "type": "mock",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "responses": {
                "default": {
                    "statusCode": "201",
                    "responseTemplates": {"application/json": "#set($context.responseOverride.status = 99)"},
                }
            },
        }
    )
    assert result.response.status == 201
    assert result.warnings == ["$context.responseOverride.status 99 is not an HTTP status; ignored"]


def test_a_template_error_names_the_definition_and_key(simulate: Simulate) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        simulate({"type": "mock", "requestTemplates": {"application/json": "#if("}})
    assert str(caught.value).startswith("test[requestTemplates.application/json]:1:")


def test_a_hostile_template_cannot_reach_python(simulate: Simulate) -> None:
    """Templates are untrusted (STYLE.md, sandbox), in invoke as in render."""
    with pytest.raises(SandboxViolation):
        simulate({"type": "mock", "requestTemplates": {"application/json": "$input.getClass().forName('os')"}})


def test_the_method_response_carries_api_gateways_headers(simulate: Simulate) -> None:
    result = simulate(PETS, {"pathParameters": {"petId": "7"}})
    assert list(result.response.headers) == [
        "Date", "Content-Type", "Content-Length", "x-amzn-RequestId", "X-Kind", "x-amz-apigw-id", "X-Amzn-Trace-Id",
    ]  # fmt: skip
    assert result.response.headers["Content-Length"] == [str(len(result.response.body))]
    assert result.response.headers["x-amzn-RequestId"] == ["c0ffee00-1234-4abc-8def-0123456789ab"]
