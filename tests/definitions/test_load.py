"""Loading definitions as AWS exports and real SAM/CloudFormation templates look (spec §10):
OpenAPI 2.0 and 3.x, SAM, CloudFormation resources; malformed ones name the file and where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apigw_cli.definitions.load import load_definition
from apigw_cli.errors import DefinitionError, InputError, UsageError
from tests.helpers import ROOT

API = ROOT / "samples" / "api"

#: As `aws apigateway get-export --export-type swagger --extensions integrations` writes it.
SWAGGER_EXPORT = """{
  "swagger" : "2.0",
  "info" : {"version" : "2026-11-26T00:00:00Z", "title" : "legacy"},
  "host" : "abcd1234ef.execute-api.eu-west-1.amazonaws.com",
  "basePath" : "/v1",
  "schemes" : ["https"],
  "paths" : {
    "/items/{itemId}" : {
      "parameters" : [{"name" : "itemId", "in" : "path", "required" : true, "type" : "string"}],
      "get" : {
        "parameters" : [{"$ref" : "#/parameters/Trace"}],
        "responses" : {"200" : {"description" : "ok", "headers" : {"X-Trace" : {"type" : "string"}}},
                       "404" : {"$ref" : "#/responses/Missing"}},
        "x-amazon-apigateway-integration" : {
          "type" : "http", "httpMethod" : "GET", "uri" : "https://items.example.com/{id}",
          "requestParameters" : {"integration.request.path.id" : "method.request.path.itemId",
                                 "integration.request.header.X-Trace" : "method.request.header.X-Trace"},
          "responses" : {"404" : {"statusCode" : "404"},
                         "default" : {"statusCode" : "200",
                                      "responseParameters" : {"method.response.header.X-Trace" : "integration.response.header.X-Trace"}}},
          "passthroughBehavior" : "when_no_match"
        }
      }
    },
    "/{proxy+}" : {
      "x-amazon-apigateway-any-method" : {
        "parameters" : [{"name" : "proxy", "in" : "path", "required" : true, "type" : "string"}],
        "x-amazon-apigateway-integration" : {"type" : "mock", "requestTemplates" : {"application/json" : "{\\"statusCode\\": 200}"},
                                             "responses" : {"default" : {"statusCode" : "200"}}}
      }
    }
  },
  "parameters" : {"Trace" : {"name" : "X-Trace", "in" : "header", "required" : false, "type" : "string"}},
  "responses" : {"Missing" : {"description" : "missing"}},
  "x-amazon-apigateway-binary-media-types" : ["image/png"]
}"""


def write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


def test_a_swagger_export(tmp_path: Path) -> None:
    definition = load_definition(write(tmp_path, "export.json", SWAGGER_EXPORT))
    api = definition.api(None)
    assert (api.name, api.base_path, api.binary_media_types, definition.warnings) == (
        "legacy",
        "/v1",
        ("image/png",),
        [],
    )
    assert [method.route for method in api.methods] == ["GET /items/{itemId}", "ANY /{proxy+}"]
    get = api.methods[0]
    assert get.request_parameters == {"method.request.path.itemId": True, "method.request.header.X-Trace": False}
    assert get.method_responses == {200: frozenset({"X-Trace"}), 404: frozenset()}
    assert api.stage(None) is not None and api.stage(None).name == "v1"  # type: ignore[union-attr]


def test_the_sample_openapi_export() -> None:
    api = load_definition(str(API / "openapi.yaml")).api(None)
    assert api.base_path == "/prod"
    assert {method.route: method.integration.type for method in api.methods if method.integration} == {
        "GET /health": "MOCK", "GET /pets": "HTTP", "POST /pets": "AWS_PROXY", "GET /pets/{petId}": "AWS",
        "ANY /store/{proxy+}": "HTTP_PROXY",
    }  # fmt: skip
    lookup = api.find_method("GET", "/pets/{petId}")
    assert lookup is not None and lookup.request_parameters == {"method.request.path.petId": True}


def test_the_sample_sam_template() -> None:
    definition = load_definition(str(API / "template.yaml"))
    assert definition.warnings == []
    api = definition.api(None)
    assert (api.name, [(stage.name, stage.variables) for stage in api.stages]) == (
        "PetsApi",
        [("prod", {"backend": "127.0.0.1:8080"})],
    )
    lookup = api.find_method("GET", "/pets/{petId}")
    assert lookup is not None and lookup.integration is not None
    assert lookup.integration.uri == (
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-east-1:123456789012:function:PetLookupFunction/invocations"
    )
    create = api.find_method("POST", "/pets")  # from the function's Api event
    assert create is not None and create.integration is not None and create.integration.type == "AWS_PROXY"
    functions = {function.logical_id: function for function in api.functions}
    assert functions["CreatePetFunction"].environment == {"PETS_TABLE": "pets-prod"}
    assert functions["CreatePetFunction"].timeout_s == 5
    handler = functions["PetLookupFunction"].handler
    assert (
        handler is not None
        and handler.file == ROOT / "samples" / "handlers" / "pets.py"
        and handler.function == "lookup"
    )
    beta = load_definition(str(API / "template.yaml"), {"StageName": "beta", "BackendUrl": "http://10.0.0.1:81"})
    assert [(stage.name, stage.variables) for stage in beta.api(None).stages] == [("beta", {"backend": "10.0.0.1:81"})]


CLOUDFORMATION = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Backend: {Type: String}
  WithAdmin: {Type: String, Default: "no", AllowedValues: ["yes", "no"]}
Conditions:
  AdminEnabled: !Equals [!Ref WithAdmin, "yes"]
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: shop, BinaryMediaTypes: [image/png]}
  Orders:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: orders}
  Order:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !Ref Orders, PathPart: "{orderId}"}
  GetOrder:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Order
      HttpMethod: GET
      AuthorizationType: NONE
      RequestParameters: {method.request.path.orderId: true}
      Integration:
        Type: HTTP
        IntegrationHttpMethod: GET
        Uri: !Sub "http://${Backend}/orders/{id}"
        RequestParameters: {integration.request.path.id: method.request.path.orderId}
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters: {method.response.header.X-Order: "'yes'"}
            ResponseTemplates: {application/json: '{"order": $input.json(''$'')}'}
          - {StatusCode: "404", SelectionPattern: "404"}
      MethodResponses:
        - {StatusCode: "200", ResponseParameters: {method.response.header.X-Order: true}}
        - {StatusCode: "404"}
  Root:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: ANY
      Integration: {Type: MOCK, RequestTemplates: {application/json: '{"statusCode": 200}'}}
  Admin:
    Type: AWS::ApiGateway::Method
    Condition: AdminEnabled
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: DELETE
      Integration: {Type: MOCK}
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties: {RestApiId: !Ref Api, StageName: live, StageDescription: {Variables: {mode: fast}}}
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Api, StageName: canary, Variables: {mode: slow}}
"""


def test_cloudformation_resources_build_the_paths_from_their_parents(tmp_path: Path) -> None:
    definition = load_definition(write(tmp_path, "cfn.yaml", CLOUDFORMATION))
    api = definition.api(None)
    assert sorted(method.route for method in api.methods) == [
        "ANY /",
        "GET /orders/{orderId}",
    ]  # Admin: condition false
    get = api.find_method("GET", "/orders/{orderId}")
    assert get is not None and get.integration is not None
    assert get.integration.uri == "http://${Backend}/orders/{id}"
    assert [(response.status, response.selection_pattern) for response in get.integration.responses] == [
        (200, None),
        (404, "404"),
    ]
    assert get.method_responses == {200: frozenset({"X-Order"}), 404: frozenset()}
    assert [(stage.name, stage.variables) for stage in api.stages] == [
        ("live", {"mode": "fast"}),
        ("canary", {"mode": "slow"}),
    ]
    assert api.binary_media_types == ("image/png",)
    assert len(definition.warnings) == 1 and "give --param Backend=VALUE" in definition.warnings[0]
    with_admin = load_definition(str(tmp_path / "cfn.yaml"), {"WithAdmin": "yes", "Backend": "h:1"})
    assert with_admin.warnings == [] and with_admin.api(None).find_method("DELETE", "/") is not None


def test_a_json_template_in_long_form(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Fn": {"Type": "AWS::Serverless::Function",
                   "Properties": {"Runtime": "nodejs20.x", "Handler": "index.handler", "CodeUri": ".",
                                  "Events": {"Get": {"Type": "Api", "Properties": {"Path": "/x", "Method": "ANY"}}}}},
        }
    }  # fmt: skip
    api = load_definition(write(tmp_path, "t.json", json.dumps(template))).api(None)
    assert (api.name, api.stages[0].name, [method.route for method in api.methods]) == (
        "ServerlessRestApi",
        "Prod",
        ["ANY /x"],
    )
    function = api.functions[0]
    assert function.handler is None and "nodejs20.x" in function.why_not_local


def test_sam_reads_a_local_definition_uri_and_aws_include(tmp_path: Path) -> None:
    write(
        tmp_path,
        "api.yaml",
        "openapi: 3.0.1\ninfo: {title: t}\npaths:\n  /a: {get: {x-amazon-apigateway-integration: {type: mock}}}\n",
    )
    template = ("Resources:\n  A:\n    Type: AWS::Serverless::Api\n    Properties: {StageName: s, DefinitionUri: api.yaml,"
                " BinaryMediaTypes: ['image~1png']}\n"
                "  B:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: s\n      DefinitionBody:\n"
                "        Fn::Transform: {Name: AWS::Include, Parameters: {Location: api.yaml}}\n")  # fmt: skip
    definition = load_definition(write(tmp_path, "t.yaml", template))
    assert [api.name for api in definition.apis] == ["A", "B"]
    assert definition.api("A").binary_media_types == ("image/png",)
    assert [method.route for method in definition.api("B").methods] == ["GET /a"]
    with pytest.raises(UsageError, match=r"defines several REST APIs \(A, B\); name the one to use"):
        definition.api(None)
    with pytest.raises(UsageError, match=r"has no REST API named 'C' \(its APIs: A, B\)"):
        definition.api("C")


@pytest.mark.parametrize(
    ("name", "text", "error", "message"),
    [
        ("a.yaml", "openapi: 3.0.1\npaths: [\n", InputError, "a.yaml:3:1: invalid YAML"),
        ("b.json", '{"swagger": "2.0", "paths": {', InputError, "b.json:1:30: invalid JSON"),
        ("c.yaml", "info: {title: x}\n", DefinitionError, "neither an OpenAPI document"),
        ("d.yaml", "openapi: 4.0.0\n", DefinitionError, "OpenAPI version '4.0.0' is not 2.0, 3.0 or 3.1"),
        ("e.yaml", "swagger: '2.0'\npaths:\n  /a/{p+}/b: {}\n", DefinitionError, "a greedy {p+} must be the last segment"),
        ("f.yaml", "swagger: '2.0'\npaths:\n  /a:\n    get: {x-amazon-apigateway-integration: {type: soap}}\n",
         DefinitionError, "f.yaml: paths./a.get.x-amazon-apigateway-integration: key 'type'"),
        ("g.yaml", "swagger: '2.0'\npaths:\n  /a:\n    get: {parameters: [{$ref: 'other.yaml#/p'}]}\n",
         DefinitionError, "g.yaml: paths./a.get.parameters[0]: $ref 'other.yaml#/p': only references within"),
        ("h.yaml", "swagger: '2.0'\npaths:\n  /a:\n    get: {$ref: '#/paths/~1a/get'}\n", DefinitionError,
         "$ref chain longer than 64"),
        ("i.yaml", "swagger: '2.0'\npaths:\n  /a/{id}:\n    get:\n      x-amazon-apigateway-integration:\n"
         "        type: http\n        uri: http://h/{id}\n        requestParameters: {integration.request.path.id: method.request.path.id}\n",
         DefinitionError, "method.request.path.id is not declared on the method"),
        ("j.yaml", "swagger: '2.0'\npaths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n"
         "      x-amazon-apigateway-integration:\n        type: mock\n        responses:\n          default:\n"
         "            statusCode: '200'\n            responseParameters: {method.response.header.X-A: \"'1'\"}\n",
         DefinitionError, "method.response.header.X-A is not declared on method response 200"),
        ("k.yaml", "Resources:\n  M:\n    Type: AWS::ApiGateway::Method\n    Properties: {RestApiId: !Ref A, ResourceId: !Ref R, HttpMethod: GET}\n"
         "  A: {Type: AWS::ApiGateway::RestApi}\n  R: {Type: AWS::S3::Bucket}\n", DefinitionError,
         "k.yaml: Resources.M.Properties.ResourceId: expected !Ref of an AWS::ApiGateway::Resource"),
        ("l.yaml", "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n"
         "        E: {Type: Api, Properties: {Path: /a, Method: get, RestApiId: !Ref Nope}}\n", DefinitionError,
         "RestApiId 'Nope' is not an AWS::Serverless::Api"),
        ("m.yaml", "Resources:\n  A:\n    Type: AWS::Serverless::Api\n    Properties: {StageName: s, DefinitionUri: {Bucket: b, Key: k}}\n",
         DefinitionError, "apigw reads local files only, not an S3 location"),
    ],
)  # fmt: skip
def test_malformed_definitions_name_the_file_and_where(
    tmp_path: Path, name: str, text: str, error: type[Exception], message: str
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(error) as caught:
        load_definition(path)
    assert message in str(caught.value) and str(caught.value).startswith(path)


def test_an_integration_response_without_a_method_response_loads_with_a_warning(tmp_path: Path) -> None:
    text = ("swagger: '2.0'\npaths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n"
            "      x-amazon-apigateway-integration:\n        type: mock\n        responses:\n"
            "          default: {statusCode: '200'}\n          '4\\d\\d': {statusCode: '418'}\n")  # fmt: skip
    definition = load_definition(write(tmp_path, "w.yaml", text))
    assert definition.warnings == [
        f"{tmp_path / 'w.yaml'}: paths./a.get.x-amazon-apigateway-integration: integration response 418 has no "
        "method response; AWS answers 500 when it is selected"
    ]


def test_parameters_are_for_templates_only(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is an OpenAPI document; parameter values are for CloudFormation templates"):
        load_definition(str(API / "openapi.yaml"), {"X": "1"})
    with pytest.raises(
        UsageError,
        match=r"has no parameter or resource 'Nope' to give a value to \(its parameters: BackendUrl, StageName\)",
    ):
        load_definition(str(API / "template.yaml"), {"Nope": "1"})


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("dup.yaml", "swagger: '2.0'\npaths:\n  /a: {}\n  /a: {}\n", "dup.yaml:4:3: invalid YAML: key '/a' is given twice"),
        ("dup.json", '{"swagger": "2.0", "paths": {"/a": {}, "/a": {}}}', "dup.json: invalid JSON: key '/a' is given twice"),
        ("sib.yaml", "swagger: '2.0'\npaths:\n  /a/{x}: {get: {}}\n  /a/{y}/z: {get: {}}\n",
         "/a/{y}: a sibling ({x}) of this resource already has a variable path part"),
        ("twice.yaml", "swagger: '2.0'\npaths:\n  /a: {get: {}}\n  /a/: {get: {}}\n", "GET /a is also defined at"),
        ("nan.yaml", "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {Timeout: .nan}\n",
         "Resources.F.Properties.Timeout: expected seconds from 1 to 900"),
        ("env.yaml", "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
         "      Environment: {Variables: {A: [1, 2]}}\n", "Environment.Variables.A: expected text, got a list"),
        ("none.yaml", "Resources:\n  T: {Type: AWS::Serverless::HttpApi}\n", "defines no REST API"),
    ],
)  # fmt: skip
def test_what_aws_refuses_or_cannot_mean_is_an_error(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as caught:
        load_definition(path).api(None)
    assert message in str(caught.value) and str(caught.value).startswith(path)


def test_templates_as_real_projects_write_them(tmp_path: Path) -> None:
    """Logical ids YAML reads as numbers, JSON in a .template file, timeouts from parameters,
    RestApiId as !GetAtt, Globals.Api on the implicit API, inline and image functions."""
    template = {
        "Parameters": {"FnTimeout": {"Type": "Number", "Default": 30}},
        "Globals": {"Api": {"BinaryMediaTypes": ["image~1png"], "Variables": {"mode": "fast", "debug": False}}},
        "Resources": {
            "123": {"Type": "AWS::Serverless::Function",
                    "Properties": {"Runtime": "python3.12", "CodeUri": ".", "Handler": "app.handler",
                                   "Timeout": {"Ref": "FnTimeout"},
                                   "Events": {"E": {"Type": "Api", "Properties": {"Path": "/a", "Method": "get"}}}}},
            "Inline": {"Type": "AWS::Serverless::Function",
                       "Properties": {"Runtime": "python3.12", "Handler": "index.handler", "InlineCode": "x"}},
            "Image": {"Type": "AWS::Serverless::Function", "Properties": {"PackageType": "Image"}},
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "x"}},
            "M": {"Type": "AWS::ApiGateway::Method",
                  "Properties": {"RestApiId": {"Fn::GetAtt": ["Api", "RestApiId"]},
                                 "ResourceId": {"Fn::GetAtt": "Api.RootResourceId"}, "HttpMethod": "GET",
                                 "Integration": {"Type": "MOCK"}}},
        },
    }  # fmt: skip
    import json as json_module

    path = write(tmp_path, "stack.template", json_module.dumps(template, indent="\t"))
    definition = load_definition(path)
    assert [method.route for method in definition.api("Api").methods] == ["GET /"]
    implicit = definition.api("ServerlessRestApi")
    assert implicit.binary_media_types == ("image/png",)
    assert implicit.stages[0].variables == {"mode": "fast", "debug": "false"}
    functions = {function.logical_id: function for function in implicit.functions}
    assert functions["123"].timeout_s == 30 and functions["123"].name == "123"
    assert functions["Inline"].why_not_local == "its code is inline in the template"
    assert functions["Image"].why_not_local == "it is a container image"
