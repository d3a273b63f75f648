"""``$input`` (spec §6.3, §6.8, §12.1-2, §12.8-9)."""

from __future__ import annotations

import pytest

from apigw_cli.errors import TemplateRenderError
from tests.helpers import json_request, render

BODY = '{"name": "Rex", "price": 10.00, "tags": ["a", "b"], "owner": {"id": 7, "vip": true}, "note": null}'


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("$input.body", BODY),  # the raw text, 10.00 kept (spec §6.3)
        ("$input.json('$.name')", '"Rex"'),  # strings come quoted (spec §12.1)
        ("$input.json('$.owner')", '{"id":7,"vip":true}'),
        ("$input.json('$.tags')", '["a","b"]'),
        ("$input.json('$.missing')", "null"),
        ("$input.path('$.name')", "Rex"),
        ("$input.path('$.price')", "10.0"),  # a JSON double prints by Double.toString (spec §12.7)
        ("$input.path('$.owner')", "{id=7, vip=true}"),  # maps print Java-style (spec §6.7)
        ("$input.path('$.tags')", '["a","b"]'),  # lists print as JSON (spec §6.7)
        ("$input.path('$.owner.vip')", "true"),
        ("[$input.path('$.note')][$input.path('$.missing')]", "[][]"),  # null and missing print empty
        ("$input.path('$.tags').size() $input.path('$.tags')[1] $input.path('$.owner').id", "2 b 7"),
        ("$input.path('$.tags[*]')", '["a","b"]'),
        ("#foreach($t in $input.path('$.tags'))$t#end", "ab"),
    ],
)
def test_input_reads_the_json_body(template: str, expected: str) -> None:
    assert render(template, json_request(BODY)) == expected


def test_an_empty_json_body_reads_as_an_empty_object() -> None:
    # spec §12.8, conformance ls-input-body-raw-body-empty-body: $input.body and $input.json('$') render {}.
    request = {"method": "POST", "headers": {"Content-Type": "application/json"}}
    assert render("$input.body|$input.json('$')|$input.path('$')|[$input.path('$.a')]", request) == "{}|{}|{}|[]"


def test_a_body_that_is_not_json_is_one_string() -> None:
    # spec §6.3, §12.9: text not starting like JSON is one string value for JSONPath.
    request = {"method": "POST", "headers": {"Content-Type": "application/x-www-form-urlencoded"}, "body": "a=b&c=d"}
    assert (
        render("$input.body|$input.json('$')|$input.path('$')|[$input.path('$.a')]", request)
        == 'a=b&c=d|"a=b&c=d"|a=b&c=d|[]'
    )


def test_an_empty_non_json_body_stays_empty() -> None:
    request = {"method": "POST", "headers": {"Content-Type": "text/plain"}}
    assert render("[$input.body]", request) == "[]"


def test_json_that_does_not_parse_is_api_gateways_400() -> None:
    # spec §6.1, §12.9: text starting with { or [ that fails to parse answers 400.
    with pytest.raises(TemplateRenderError, match="Could not process payload"):
        render("$input.path('$.a')", json_request('{"a": 1,'))
    assert render("$input.body", json_request('{"a": 1,')) == '{"a": 1,'


def test_params_look_in_path_then_query_then_headers() -> None:
    # spec §6.3: $input.params(x) from path, then query string, then header; missing gives "".
    request = {
        "pathParameters": {"id": "from-path"},
        "query": {"id": "from-query", "q": "query"},
        "multiValueQuery": {"tag": ["a", "b"]},
        "headers": {"id": "from-header", "X-Trace": "abc"},
    }
    template = "$input.params('id') $input.params('q') $input.params('X-Trace') $input.params('x-trace') $input.params('tag') [$input.params('none')]"
    assert render(template, request) == "from-path query abc abc b []"


def test_params_without_a_name_give_the_three_maps() -> None:
    request = {"pathParameters": {"id": "7"}, "query": {"limit": "10"}, "headers": {"Accept": "application/json"}}
    expected = "{path={id=7}, querystring={limit=10}, header={Accept=application/json}}"
    assert render("$input.params()", request) == expected
    assert render("$input.params().header.Accept $input.params().get('path').id", request) == "application/json 7"


def test_a_response_template_reads_the_response_but_params_describe_the_request() -> None:
    # spec §6.3: in response templates $input's body is the integration response.
    response = {"status": 200, "headers": {"Content-Type": "application/json"}, "body": '{"id": 7}'}
    request = json_request('{"name": "Rex"}', query={"q": "1"})
    assert render("$input.path('$.id') $input.json('$') $input.params('q')", request, response) == '7 {"id":7} 1'


def test_an_invalid_jsonpath_fails_the_render() -> None:
    with pytest.raises(TemplateRenderError, match="InvalidPathException"):
        render("$input.path('name')", json_request("{}"))


def test_params_of_a_null_name_is_empty() -> None:
    assert render("[$input.params($undefined)]", {"query": {"a": "1"}}) == "[]"
