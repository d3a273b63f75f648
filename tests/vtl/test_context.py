"""``$context`` and ``$stageVariables`` (spec §6.2, §6.4, §6.6)."""

from __future__ import annotations

import re

import pytest

from apigw_cli.errors import TemplateRenderError
from apigw_cli.render import render_in_scope, render_template, request_scope
from apigw_cli.samples import request_from_mapping
from apigw_cli.vtl.context import DETERMINISTIC_REQUEST_ID, Identity
from apigw_cli.vtl.engine import compile_template
from tests.helpers import ROOT, render

REQUEST = {
    "method": "POST",
    "path": "/pets/7",
    "resource": "/pets/{petId}",
    "stage": "prod",
    "headers": {"User-Agent": "test-agent/1.0", "X-Forwarded-For": "198.51.100.7, 10.0.0.1"},
    "stageVariables": {"backend": "pets.internal"},
}


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        ("httpMethod", "POST"),
        ("path", "/prod/pets/7"),  # with the stage (spec §6.2, §12.18)
        ("resourcePath", "/pets/{petId}"),
        ("stage", "prod"),
        ("protocol", "HTTP/1.1"),
        ("accountId", "123456789012"),
        ("apiId", "abcd1234ef"),
        ("domainName", "abcd1234ef.execute-api.us-east-1.amazonaws.com"),
        ("domainPrefix", "abcd1234ef"),
        ("identity.sourceIp", "198.51.100.7"),  # the client of X-Forwarded-For
        ("identity.userAgent", "test-agent/1.0"),
        ("identity.user", ""),  # null without IAM auth
        ("identity.apiKey", ""),
        ("authorizer.principalId", ""),
        ("requestId", DETERMINISTIC_REQUEST_ID),
        ("requestTime", "01/Jan/2026:00:00:00 +0000"),
        ("requestTimeEpoch", "1767225600000"),
    ],
)
def test_context_variables(variable: str, expected: str) -> None:
    assert render(f"$context.{variable}", REQUEST) == expected


def test_stage_variables() -> None:
    # spec §6.4: $stageVariables.name, $stageVariables['name'], ${stageVariables['name']}.
    template = "$stageVariables.backend|$stageVariables['backend']|${stageVariables['backend']}|[$stageVariables.none]"
    assert render(template, REQUEST) == "pets.internal|pets.internal|pets.internal|[]"


def test_request_file_overrides_context_values() -> None:
    request = {
        **REQUEST,
        "context": {
            "identity.sourceIp": "203.0.113.9",
            "authorizer": {"principalId": "u-1", "count": 1, "admin": True, "claims": {"sub": "42"}},
        },
    }
    template = "$context.identity.sourceIp $context.authorizer.principalId $context.authorizer.count $context.authorizer.admin $context.authorizer.claims.sub"
    # Lambda authorizer context values are strings (spec §6.2).
    assert render(template, request) == "203.0.113.9 u-1 1 true 42"


def test_lists_given_for_context_are_java_lists_not_json_arrays() -> None:
    """$context holds AWS's own values: a list a request file gives for it prints as Java's
    [a, b], unlike an array parsed from the body (review of issue 12)."""
    request = {**REQUEST, "context": {"extra": [1, ["a", "b"]]}, "json": {"extra": [1, ["a", "b"]]}}
    template = "$context.extra|$context.extra.get(1)|$input.path('$.extra')"
    assert render(template, request) == '[1, [a, b]]|[a, b]|[1,["a","b"]]'


def test_fresh_values_by_default_and_fixed_with_a_seed() -> None:
    template = compile_template("$context.requestId $context.requestTime $context.extendedRequestId", "t")
    request = request_from_mapping({}, "r")
    first, second = (render_template(template, request).output for _ in range(2))
    assert first != second
    assert re.fullmatch(r"[0-9a-f-]{36} \d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000 \S{15}=", first)
    seeded = [render_template(template, request, identity=Identity.deterministic(7)).output for _ in range(2)]
    assert seeded[0] == seeded[1] != render_template(template, request, identity=Identity.deterministic(8)).output


def test_overrides_are_recorded() -> None:
    # spec §6.6: map syntax and .put work on the override maps.
    template = compile_template(
        '#set($context.requestOverride.header.X = "1")#set($n = "q")'
        '#set($context.requestOverride.querystring[$n] = "v")'
        '#set($ignore = $context.requestOverride.path.put("id", "9"))'
        '#set($context.responseOverride.status = 418)#set($context.responseOverride.header.Y = "2")',
        "t",
    )
    result = render_template(template, request_from_mapping({}, "r"))
    assert result.request_override == {"header": {"X": "1"}, "path": {"id": "9"}, "querystring": {"q": "v"}}
    assert result.response_override == {"header": {"Y": "2"}, "status": 418}


def test_an_override_set_twice_is_an_error() -> None:
    # spec §6.6: each override may be set once; a second assignment gives a 5XX.
    with pytest.raises(TemplateRenderError, match="set twice"):
        render("#set($context.responseOverride.status = 400)#set($context.responseOverride.status = 500)")


def test_claims_are_readable_but_the_claims_map_prints_as_null() -> None:
    # spec §6.2: $context.authorizer.claims.X is a claim; $context.authorizer.claims itself is null.
    request = {"context": {"authorizer": {"claims": {"sub": "42", "email": "a@b"}}}}
    assert render("[$context.authorizer.claims][$context.authorizer.claims.sub]", request) == "[][42]"


def test_requests_cannot_preset_overrides() -> None:
    from apigw_cli.errors import InputError
    from apigw_cli.samples import request_from_mapping

    with pytest.raises(InputError, match="key 'context.responseOverride.status': overrides are what a template sets"):
        request_from_mapping({"context": {"responseOverride.status": 500}}, "r")


def test_deeply_nested_context_values_are_read_without_recursion() -> None:
    """The JSON reader takes nesting deeper than Python's stack; copying such a value into
    $context must not fail (review of issue 12)."""
    deep: list[object] = []
    for _ in range(600):
        deep = [deep]
    assert render("[$context.stage]", {**REQUEST, "context": {"extra": deep, "more": {"a": deep}}}) == "[prod]"


@pytest.mark.parametrize(
    "template",
    [
        "$context.requestId|$context.stage|$context.path|$context.httpMethod|$context.resourcePath",
        "$context.identity.sourceIp|$context.identity.userAgent|$context.identity|$context.error",
        "$context.authorizer.principalId|$context.authorizer.count|$context.authorizer.claims.sub",
        "$context.extra|$context.extra.get(1)|$context.nothing|$context.requestTime|$context.requestTimeEpoch",
        "#set($context.requestOverride.header.X = 'a')#set($context.responseOverride.status = 201)$context.accountId",
        "#set($context.identity.user = 'me')$context.identity.user|$context.domainName|$context.extendedRequestId",
    ]
    + [path.read_text(encoding="utf-8") for path in sorted((ROOT / "templates").glob("*.vtl"))],
)
def test_a_template_given_only_the_keys_it_reads_renders_as_with_every_key(template: str) -> None:
    """A render makes only the $context keys its template reads (vtl/survey.py): the result,
    overrides included, is the one every key gives."""
    compiled = compile_template(template, "t")
    request = request_from_mapping(
        {
            **REQUEST,
            "json": {"id": "7", "name": "Rex"},
            "context": {
                "identity.sourceIp": "203.0.113.9",
                "authorizer": {"principalId": "u-1", "count": 1, "claims": {"sub": "42"}},
                "extra": [1, ["a", "b"]],
            },
        },
        "r",
    )
    planned = render_template(compiled, request, identity=Identity.deterministic())
    every_key = render_in_scope(compiled, request_scope(request, Identity.deterministic()))
    assert planned == every_key
