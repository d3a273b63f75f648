"""Routing a request to a method as API Gateway does (spec §1, §8.1), and what a call through
a definition's route adds: AWS's 403 for no route, 500 for a method without integration or a
selected status without a method response."""

from __future__ import annotations

from pathlib import Path

import pytest

from apigw_cli.definitions.api import Api, Method, routed_request
from apigw_cli.definitions.handlers import HandlerMap
from apigw_cli.definitions.integration import integration_from_mapping
from apigw_cli.definitions.load import load_definition
from apigw_cli.errors import UsageError
from apigw_cli.invoke import InvokeOptions
from apigw_cli.models import Request
from apigw_cli.routing import invoke_route
from apigw_cli.vtl.context import Identity
from tests.helpers import ROOT

API = ROOT / "samples" / "api"
MOCK = {"type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'}}


def api_of(*routes: str) -> Api:
    methods = []
    for route in routes:
        http_method, resource = route.split(" ")
        integration = integration_from_mapping(
            {**MOCK, "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": route}}}},
            route,
        )
        methods.append(Method(http_method, resource, integration, route))
    return Api("test", "test.yaml", methods)


ROUTES = api_of(
    "GET /", "GET /pets", "GET /pets/{petId}", "GET /pets/mine", "ANY /pets/{petId}/toys", "GET /{proxy+}",
    "POST /pets/{proxy+}", "GET /files/{path+}", "GET /a/{b}/c",
)  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "route", "parameters"),
    [
        ("GET", "/", "GET /", {}),
        ("GET", "/pets", "GET /pets", {}),
        ("GET", "/pets/", "GET /pets", {}),  # one trailing slash is ignored
        ("GET", "/pets/mine", "GET /pets/mine", {}),  # a literal segment before {petId}
        ("GET", "/pets/7", "GET /pets/{petId}", {"petId": "7"}),
        ("GET", "/pets/a%2Fb", "GET /pets/{petId}", {"petId": "a%2Fb"}),  # not percent-decoded
        ("DELETE", "/pets/7/toys", "ANY /pets/{petId}/toys", {"petId": "7"}),  # ANY for other methods
        ("GET", "/owners/1/2", "GET /{proxy+}", {"proxy": "owners/1/2"}),
        ("GET", "/files/a//b/", "GET /files/{path+}", {"path": "a//b"}),  # keeps //, not a trailing /
        ("POST", "/pets/7/food", "POST /pets/{proxy+}", {"proxy": "7/food"}),  # no /pets/{petId}/food
    ],
)
def test_the_most_specific_resource_then_its_method(
    method: str, path: str, route: str, parameters: dict[str, str]
) -> None:
    match = ROUTES.route(method, path)
    assert match.method is not None and match.method.route == route
    assert match.path_parameters == parameters


@pytest.mark.parametrize(
    ("method", "path", "resource"),
    [
        ("POST", "/", "/"),  # the root has only GET; {proxy+} never matches its parent
        ("DELETE", "/pets", "/pets"),  # the resource matches first, then has no DELETE
        ("GET", "/a/x", "/a/{b}"),  # a parent API Gateway created for /a/{b}/c: no methods
        # The resource is chosen before the method (unconfirmed): a less specific resource
        # that has the method does not answer for a more specific one that lacks it.
        ("POST", "/pets/7", "/pets/{petId}"),
        ("GET", "/pets/7/food", "/pets/{proxy+}"),
    ],
)
def test_a_resource_without_the_method_answers_nothing(method: str, path: str, resource: str) -> None:
    match = ROUTES.route(method, path)
    assert (match.method, match.resource) == (None, resource)


def test_no_resource_at_all() -> None:
    api = api_of("GET /pets")
    assert api.route("GET", "/dogs").resource is None


def invoke(api: Api, method: str, path: str, handlers: HandlerMap | None = None) -> tuple[int, str, list[str]]:
    request = api.routed(Request(), method, path, None)
    result = invoke_route(api, request, InvokeOptions(identity=Identity.deterministic(), frozen_clock=True), handlers)
    return result.response.status, result.response.body, result.log


def test_no_route_is_awss_403_with_its_headers() -> None:
    request = routed_request(Request(), "GET", "/dogs", None)
    result = invoke_route(api_of("GET /pets"), request, InvokeOptions(identity=Identity.deterministic()))
    assert (result.response.status, result.response.body) == (403, '{"message":"Missing Authentication Token"}')
    assert result.response.headers["x-amzn-ErrorType"] == ["MissingAuthenticationTokenException"]
    assert result.warnings == [
        "test.yaml: no resource matches the path (GET /dogs); AWS answers 403 Missing Authentication Token"
    ]


def answering(route: str, template: str) -> Api:
    """An API of one MOCK route whose integration response renders ``template``."""
    api = api_of(route)
    integration = api.methods[0].integration
    assert integration is not None
    templates = integration.responses[0].templates
    templates["application/json"] = templates["application/json"].__class__(template, "t")
    return api


def test_the_route_fills_the_request_as_the_template_sees_it() -> None:
    template = '$context.resourcePath $input.params("petId") $context.httpMethod $input.params("q")'
    api = answering("GET /pets/{petId}", template)
    status, body, _ = invoke(api, "GET", "/pets/42?q=a&q=b")
    assert (status, body) == (200, "/pets/{petId} 42 GET b")


def test_slashes_after_the_stage_route_as_one_and_stay_in_context_path() -> None:
    """AWS routes /prod//pets as /prod/pets; $context.path keeps what was sent (recorded:
    /stage//hardcoded reached the /hardcoded resource with requestContext.path
    /stage//hardcoded)."""
    api = answering("GET /pets", "$context.resourcePath $context.path")
    assert invoke(api, "GET", "//pets")[:2] == (200, "/pets /test//pets")
    assert invoke(api, "GET", "///pets")[:2] == (200, "/pets /test///pets")


def test_a_method_without_integration_is_a_500(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("swagger: '2.0'\npaths:\n  /a: {get: {responses: {'200': {description: ok}}}}\n")
    api = load_definition(str(tmp_path / "a.yaml")).api(None)
    status, body, log = invoke(api, "GET", "/a")
    assert (status, body) == (500, '{"message":"Internal server error"}')
    assert any(
        line.endswith("Execution failed due to configuration error: No integration defined for method") for line in log
    )


def test_a_selected_status_without_a_method_response_is_a_500(tmp_path: Path) -> None:
    text = ("swagger: '2.0'\npaths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n"
            "      x-amazon-apigateway-integration:\n        type: mock\n"
            "        requestTemplates: {application/json: '{\"statusCode\": 418}'}\n        responses:\n"
            "          default: {statusCode: '200'}\n          '418': {statusCode: '418'}\n")  # fmt: skip
    (tmp_path / "a.yaml").write_text(text)
    status, _, log = invoke(load_definition(str(tmp_path / "a.yaml")).api(None), "GET", "/a")
    assert status == 500
    assert any("Output mapping refers to an invalid method response: 418" in line for line in log)


def test_lambda_routes_run_the_templates_functions_or_the_mapped_handlers() -> None:
    sam = load_definition(str(API / "template.yaml")).api(None)
    status, body, log = invoke(sam, "GET", "/pets/8")
    assert (status, body) == (200, '{"id": 8, "name": "Tom", "species": "cat"}')
    assert any("Function PetLookupFunction: looking up pet 8" in line for line in log)
    export = load_definition(str(API / "openapi.yaml")).api(None)
    with pytest.raises(UsageError, match=r"GET /pets/\{petId\} calls a Lambda function apigw has no local code for"):
        invoke(export, "GET", "/pets/8")
    mapped = HandlerMap.parse([str(API / "handlers.yaml")], Path.cwd())
    assert invoke(export, "GET", "/pets/8", mapped)[:2] == (200, '{"id": 8, "name": "Tom", "species": "cat"}')
    everything = HandlerMap.parse([f"{ROOT / 'samples' / 'handlers' / 'pets.py'}:lookup"], Path.cwd())
    assert invoke(export, "GET", "/pets/99", everything)[:2] == (404, '{"message": "Not found: pet 99"}')


def test_a_function_is_found_by_its_whole_arn_not_a_prefix(tmp_path: Path) -> None:
    """`Pet`'s ARN is the start of `PetLookup`'s: each route must still run its own function."""
    (tmp_path / "app.py").write_text("def pet(e, c):\n    return 'pet'\n\ndef lookup(e, c):\n    return 'lookup'\n")
    uri = "!Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${%s.Arn}%s/invocations'"
    paths = "".join(
        f"          {path}:\n            get:\n              x-amazon-apigateway-integration:\n"
        f"                {{type: aws, httpMethod: POST, responses: {{default: {{statusCode: '200'}}}},"
        f" uri: {uri % (name, suffix)}}}\n"
        for path, (name, suffix) in (("/pet", ("Pet", "")), ("/lookup", ("PetLookup", ":live")))
    )
    (tmp_path / "t.yaml").write_text(
        "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: s\n"
        "      DefinitionBody:\n        swagger: '2.0'\n        paths:\n" + paths +
        "  Pet: {Type: AWS::Serverless::Function, Properties: {Runtime: python3.12, CodeUri: ., Handler: app.pet}}\n"
        "  PetLookup: {Type: AWS::Serverless::Function, Properties: {Runtime: python3.12, CodeUri: ., Handler: app.lookup}}\n"
    )  # fmt: skip
    api = load_definition(str(tmp_path / "t.yaml")).api(None)
    assert invoke(api, "GET", "/pet")[:2] == (200, '"pet"')
    assert invoke(api, "GET", "/lookup")[:2] == (200, '"lookup"')  # through the alias :live


def test_a_uri_holding_a_value_only_aws_knows_asks_for_it(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Parameters: {Backend: {Type: String}}\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n"
        "    Properties:\n      StageName: s\n      DefinitionBody:\n        swagger: '2.0'\n        paths:\n"
        "          /x: {get: {x-amazon-apigateway-integration: {type: http_proxy, uri: !Sub 'http://${Backend}/x'}}}\n"
    )
    api = load_definition(str(tmp_path / "t.yaml")).api(None)
    with pytest.raises(UsageError, match=r"holds \$\{Backend\}, which the template leaves to AWS; give its value"):
        invoke(api, "GET", "/x")


def test_a_handler_for_a_function_the_api_does_not_call_is_refused() -> None:
    sam = load_definition(str(API / "template.yaml")).api(None)
    handlers = HandlerMap.parse([f"Nope={ROOT / 'samples' / 'handlers' / 'pets.py'}:lookup"], Path.cwd())
    with pytest.raises(UsageError, match=r"handler for 'Nope': PetsApi calls no function of that name"):
        invoke(sam, "GET", "/pets/7", handlers)
