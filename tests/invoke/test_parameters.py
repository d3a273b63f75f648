"""Parameter mapping sources and targets (spec §2)."""

from __future__ import annotations

import pytest

from apigw_cli.models import Response
from apigw_cli.parameters import (
    MappingError,
    MappingSources,
    evaluate,
    map_request_parameters,
    map_response_parameters,
)
from apigw_cli.render import request_scope
from apigw_cli.samples import request_from_mapping
from apigw_cli.vtl.context import Identity

REQUEST = {
    "method": "POST",
    "path": "/pets/7",
    "pathParameters": {"petId": "7"},
    "multiValueQuery": {"tag": ["a", "b"]},
    "headers": {"X-Trace": "abc", "Content-Type": "application/json"},
    "multiValueHeaders": {"X-Multi": ["1", "2"]},
    "stageVariables": {"backend": "pets.internal"},
    "body": '{"pets": [{"name": "Rex", "tags": ["x"]}], "n": 3}',
}


def sources(response: Response | None = None) -> MappingSources:
    request = request_from_mapping(REQUEST, "r")
    return MappingSources(request, request_scope(request, Identity.deterministic()).context, response)


@pytest.mark.parametrize(
    ("expression", "values"),
    [
        ("method.request.path.petId", ["7"]),
        ("method.request.querystring.tag", ["b"]),  # the last of repeats
        ("method.request.multivaluequerystring.tag", ["a", "b"]),
        ("method.request.header.X-Trace", ["abc"]),
        ("method.request.header.x-trace", []),  # names match case-sensitively (spec §2.1, §12.10)
        ("method.request.multivalueheader.X-Multi", ["1,2"]),
        ("method.request.body.pets[0].name", ["Rex"]),
        ("method.request.body.pets[0].tags", ['["x"]']),
        ("method.request.body.n", ["3"]),
        ("method.request.body", [REQUEST["body"]]),
        ("context.requestId", ["c0ffee00-1234-4abc-8def-0123456789ab"]),
        ("context.identity.sourceIp", ["203.0.113.10"]),
        ("stageVariables.backend", ["pets.internal"]),
        ("'application/json'", ["application/json"]),
        # A source without a value sets nothing.
        ("method.request.path.missing", []),
        ("method.request.body.pets[5].name", []),
        ("stageVariables.none", []),
    ],
)
def test_request_sources(expression: str, values: list[str]) -> None:
    assert evaluate(expression, sources()) == values


def test_request_targets() -> None:
    mapped = map_request_parameters(
        {
            "integration.request.header.X-Id": "method.request.path.petId",
            "integration.request.querystring.tags": "method.request.multivaluequerystring.tag",
            "integration.request.path.id": "method.request.path.petId",
            "integration.request.header.X-None": "method.request.header.absent",
        },
        sources(),
    )
    assert (mapped.headers, mapped.query, mapped.path) == ({"X-Id": ["7"]}, {"tags": ["a", "b"]}, {"id": "7"})


def test_response_sources_read_the_integration_response() -> None:
    backend = Response(
        status=400,
        headers={"x-id": ["1", "2"]},
        body='{"errorMessage": "{\\"code\\": 42, \\"detail\\": {\\"a\\": 1}}", "redirect": {"url": "https://x"}}',
    )
    headers = map_response_parameters(
        {
            "method.response.header.Location": "integration.response.body.redirect.url",
            "method.response.header.X-Id": "integration.response.header.x-id",
            "method.response.header.X-Ids": "integration.response.multivalueheader.x-id",
            # A JSON string in errorMessage is read as JSON (spec §2.2, Lambda errors).
            "method.response.header.X-Code": "integration.response.body.errorMessage.code",
            "method.response.header.X-Detail": "integration.response.body.errorMessage.detail",
            "method.response.header.X-Static": "'yes'",
        },
        sources(backend),
    )
    assert headers == {
        "Location": ["https://x"],
        "X-Id": ["2"],
        "X-Ids": ["1,2"],
        "X-Code": ["42"],
        "X-Detail": ['{"a":1}'],
        "X-Static": ["yes"],
    }


def test_a_body_path_of_a_body_that_is_not_json_is_an_error() -> None:
    request = request_from_mapping({"body": "a=b"}, "r")
    with pytest.raises(MappingError, match="needs a JSON body"):
        evaluate("method.request.body.a", MappingSources(request, {}))
