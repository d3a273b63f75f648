"""SAM and CloudFormation templates (spec §10.2): the REST APIs they create and the Lambda
functions those call.

Read: ``AWS::Serverless::Api`` (``DefinitionBody``, a local ``DefinitionUri`` or
``AWS::Include``, stage, variables, binary media types), ``AWS::Serverless::Function``
``Api`` events (Lambda proxy integrations, on the implicit ``ServerlessRestApi`` or the
``RestApiId`` they name), ``AWS::ApiGateway::RestApi`` (an inline ``Body``, or its
``Resource`` and ``Method`` resources), ``Stage`` and ``Deployment`` variables, and the
functions' handler, code folder, timeout and environment (SAM ``Globals`` included).
Intrinsic functions are worked out by :mod:`apigw_cli.definitions.intrinsics`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apigw_cli.definitions.api import (
    HTTP_METHODS,
    Api,
    Body,
    LocalFunction,
    Method,
    Stage,
    check_resource_path,
    mapping_at,
)
from apigw_cli.definitions.document import load_openapi_file, read_definition_document
from apigw_cli.definitions.integration import Integration, integration_from_mapping
from apigw_cli.definitions.intrinsics import FUNCTION_TYPES, Resolver, Unresolved, function_arn
from apigw_cli.definitions.openapi import is_openapi, read_openapi
from apigw_cli.documents import kind_of
from apigw_cli.errors import ApigwError, DefinitionError, UsageError
from apigw_cli.integrations.lambda_ import DEFAULT_FUNCTION_TIMEOUT_S, MAX_FUNCTION_TIMEOUT_S, HandlerSpec
from apigw_cli.vtl.context import DEFAULT_REGION

SERVERLESS_API = "AWS::Serverless::Api"
REST_API = "AWS::ApiGateway::RestApi"
#: The API SAM creates for ``Api`` events that name none, and its stage.
IMPLICIT_API = "ServerlessRestApi"
IMPLICIT_STAGE = "Prod"


def is_cloudformation(data: Any) -> bool:
    return isinstance(data, dict) and ("Resources" in data or "AWSTemplateFormatVersion" in data)


def read_cloudformation(data: dict[str, Any], path: Path, parameters: dict[str, str], warnings: list[str]) -> list[Api]:
    """The REST APIs of the template at ``path`` (read into ``data``); ``parameters`` are the
    ``--param`` values. Values left unresolved are reported in ``warnings``."""
    return _Template(data, path, parameters, warnings).apis()


class _Template:
    def __init__(self, data: dict[str, Any], path: Path, given: dict[str, str], warnings: list[str]) -> None:
        self.path = path
        self.source = str(path)
        self.warnings = warnings
        # Logical ids are names, even those YAML reads as numbers (123:).
        self.resources = _named(self.mapping(data.get("Resources"), "Resources"))
        self.globals = self.mapping(data.get("Globals"), "Globals")
        declared = _named(self.mapping(data.get("Parameters"), "Parameters"))
        # --param may also give what only AWS knows: a resource's Ref (Table=...) or one of
        # its attributes (Lb.DNSName=...), as the placeholders' warnings suggest.
        overrides = {name for name in given if name.startswith("AWS::") or name.partition(".")[0] in self.resources}
        unknown = sorted(set(given) - set(declared) - overrides)
        if unknown:
            known = ", ".join(sorted(declared)) or "none"
            raise UsageError(
                f"{self.source} has no parameter or resource {unknown[0]!r} to give a value to "
                f"(its parameters: {known})"
            )
        self.resolver = Resolver(
            source=self.source,
            parameters={name: _parameter_value(name, spec, given) for name, spec in declared.items()}
            | {name: given[name] for name in overrides},
            resources=self.resources,
            mappings=self.mapping(data.get("Mappings"), "Mappings"),
            conditions=_named(self.mapping(data.get("Conditions"), "Conditions")),
        )

    # -- the APIs -------------------------------------------------------------------------

    def apis(self) -> list[Api]:
        functions = [self.function(logical_id) for logical_id in self.of_type(*FUNCTION_TYPES)]
        apis: dict[str, Api] = {}
        for logical_id in self.of_type(SERVERLESS_API):
            apis[logical_id] = self.serverless_api(logical_id)
        for logical_id in self.of_type(REST_API):
            apis[logical_id] = self.rest_api(logical_id)
        for function in functions:
            for api_id, method in self.api_events(function):
                if api_id not in apis:
                    if api_id != IMPLICIT_API:
                        raise DefinitionError(
                            f"{self.source}: {method.source}: RestApiId {api_id!r} is not an {SERVERLESS_API}"
                        )
                    apis[api_id] = self.implicit_api()
                api = apis[api_id]
                existing = api.find_method(method.http_method, method.resource)
                if existing is None:
                    api.methods.append(method)
                else:
                    self.warnings.append(f"{method.source}: {method.route} is also in the API's definition; kept that")
        for api in apis.values():
            api.functions = functions
        self.warnings.extend(self.resolver.warnings)
        return list(apis.values())

    def serverless_api(self, logical_id: str) -> Api:
        where = f"Resources.{logical_id}.Properties"
        properties = {**self.mapping(self.globals.get("Api"), "Globals.Api"), **self.properties(logical_id)}
        api = self.definition_body(logical_id, properties, where) or Api(logical_id, f"{self.source}: {logical_id}")
        api.name = logical_id
        self.api_settings(api, properties, where)
        return api

    def implicit_api(self) -> Api:
        """The API SAM makes for ``Api`` events that name none, with ``Globals.Api``'s settings."""
        api = Api(IMPLICIT_API, f"{self.source}: {IMPLICIT_API}")
        self.api_settings(api, self.mapping(self.globals.get("Api"), "Globals.Api"), "Globals.Api")
        return api

    def api_settings(self, api: Api, properties: dict[str, Any], where: str) -> None:
        """A SAM API's stage, its variables and binary media types."""
        stage_name = self.text(properties.get("StageName", IMPLICIT_STAGE), f"{where}.StageName")
        variables = self.resolve(properties.get("Variables") or {}, f"{where}.Variables")
        api.stages = [Stage(stage_name or IMPLICIT_STAGE, self.variables(variables, f"{where}.Variables"))]
        types = self.resolve(properties.get("BinaryMediaTypes") or [], f"{where}.BinaryMediaTypes")
        if types:  # SAM writes '/' as '~1'
            api.binary_media_types = tuple(str(item).replace("~1", "/") for item in self.sequence(types, where))

    def rest_api(self, logical_id: str) -> Api:
        where = f"Resources.{logical_id}.Properties"
        properties = self.properties(logical_id)
        api = self.definition_body(logical_id, properties, where, body_key="Body", uri_key="BodyS3Location")
        if api is None:
            api = Api(logical_id, f"{self.source}: {logical_id}", methods=self.method_resources(logical_id))
        api.name = logical_id
        api.stages = self.stages(logical_id)
        types = self.resolve(properties.get("BinaryMediaTypes") or [], f"{where}.BinaryMediaTypes")
        if types:
            api.binary_media_types = tuple(str(item) for item in self.sequence(types, where))
        return api

    def definition_body(
        self,
        logical_id: str,
        properties: dict[str, Any],
        where: str,
        *,
        body_key: str = "DefinitionBody",
        uri_key: str = "DefinitionUri",
    ) -> Api | None:
        """The API of an inline OpenAPI body, an ``AWS::Include`` of a local file, or a local
        ``DefinitionUri``; ``None`` when there is none."""
        body = properties.get(body_key)
        source = f"{self.source}: {where}.{body_key}"
        if isinstance(body, dict) and set(body) == {"Fn::Transform"}:
            body, source = self.included(body["Fn::Transform"], f"{where}.{body_key}")
        if body is not None:
            body = self.resolve(body, f"{where}.{body_key}")
            if not is_openapi(body):
                raise DefinitionError(f"{source}: expected an OpenAPI document (with 'swagger' or 'openapi')")
            return read_openapi(body, source, name=logical_id)
        location = properties.get(uri_key)
        if location is None:
            return None
        if not isinstance(location, str):
            raise DefinitionError(
                f"{self.source}: {where}.{uri_key}: apigw reads local files only, not an S3 location; "
                "give the file's path"
            )
        return load_openapi_file(self.path.parent / location, name=logical_id)

    def included(self, transform: Any, where: str) -> tuple[Any, str]:
        """``Fn::Transform: {Name: AWS::Include, Parameters: {Location: file}}`` of a local file."""
        transform = self.mapping(transform, f"{where}.Fn::Transform")
        location = self.mapping(transform.get("Parameters"), where).get("Location")
        if transform.get("Name") != "AWS::Include" or not isinstance(location, str) or "://" in location:
            raise DefinitionError(
                f"{self.source}: {where}: apigw reads AWS::Include of a local file only (Location: path/to/file)"
            )
        file = self.path.parent / location
        return read_definition_document(file), str(file)

    # -- AWS::ApiGateway resources ----------------------------------------------------------

    def method_resources(self, api_id: str) -> list[Method]:
        """The ``AWS::ApiGateway::Method`` resources of ``api_id``, with the paths their
        ``AWS::ApiGateway::Resource`` parents give."""
        methods = []
        for logical_id in self.of_type("AWS::ApiGateway::Method"):
            where = f"Resources.{logical_id}.Properties"
            properties = self.properties(logical_id)
            if _reference(properties.get("RestApiId")) != api_id:
                continue
            http_method = str(self.resolve(properties.get("HttpMethod"), f"{where}.HttpMethod") or "").upper()
            if http_method not in HTTP_METHODS:
                raise DefinitionError(f"{self.source}: {where}.HttpMethod: expected one of {', '.join(HTTP_METHODS)}")
            integration = None
            if "Integration" in properties:
                value = self.resolve(properties["Integration"], f"{where}.Integration")
                integration = integration_from_mapping(value, f"{self.source}: {where}.Integration")
            methods.append(
                Method(
                    http_method=http_method,
                    resource=self.resource_path(properties.get("ResourceId"), api_id, f"{where}.ResourceId"),
                    integration=integration,
                    source=f"{self.source}: Resources.{logical_id}",
                    request_parameters=self.declared(properties.get("RequestParameters"), f"{where}.RequestParameters"),
                    method_responses=self.method_responses(properties.get("MethodResponses"), where),
                    request_bodies=self.models(properties.get("RequestModels"), api_id, f"{where}.RequestModels"),
                    response_bodies=self.response_models(properties.get("MethodResponses"), api_id, where),
                )
            )
        return methods

    def response_models(self, value: Any, api_id: str, where: str) -> dict[int, dict[str, Body]]:
        """Each method response's ``ResponseModels``, by status."""
        bodies = {}
        for index, item in enumerate(self.sequence(value or [], where)):
            item = self.mapping(item, f"{where}.MethodResponses[{index}]")
            models = self.models(item.get("ResponseModels"), api_id, f"{where}.MethodResponses[{index}].ResponseModels")
            status = str(self.resolve(item.get("StatusCode", ""), where))
            if models and status.isdigit():
                bodies[int(status)] = models
        return bodies

    def models(self, value: Any, api_id: str, where: str) -> dict[str, Body]:
        """Content type → the schema of the ``AWS::ApiGateway::Model`` named (by ``!Ref`` or by
        its ``Name``); API Gateway's built-in ``Empty`` and ``Error`` models check nothing."""
        bodies = {}
        for kind, reference in self.mapping(value, where).items():
            name = _reference(reference)
            schema = (
                self.model_schema(name, api_id, f"{where}.{kind}") if name not in (None, "Empty", "Error") else None
            )
            bodies[str(kind)] = Body(schema)
        return bodies

    def model_schema(self, name: str | None, api_id: str, where: str) -> dict[str, Any] | None:
        for logical_id in self.of_type("AWS::ApiGateway::Model"):
            properties = self.properties(logical_id)
            if logical_id != name and self.resolve(properties.get("Name"), where) != name:
                continue
            schema = self.resolve(properties.get("Schema"), f"Resources.{logical_id}.Properties.Schema")
            if isinstance(schema, str):  # CloudFormation takes the schema as JSON text too
                try:
                    schema = json.loads(schema)
                except ValueError:
                    raise DefinitionError(
                        f"{self.source}: Resources.{logical_id}.Properties.Schema: not JSON"
                    ) from None
            return schema if isinstance(schema, dict) else None
        raise DefinitionError(f"{self.source}: {where}: no AWS::ApiGateway::Model named {name!r}")

    def resource_path(self, reference: Any, api_id: str, where: str, depth: int = 0) -> str:
        """The path of the resource ``reference`` names: the API's root, or a chain of
        ``AWS::ApiGateway::Resource`` path parts."""
        if _is_root(reference, api_id):
            return "/"
        logical_id = _reference(reference)
        resource = self.resources.get(logical_id or "")
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::ApiGateway::Resource" or depth > 64:
            raise DefinitionError(
                f"{self.source}: {where}: expected !Ref of an AWS::ApiGateway::Resource or "
                f"!GetAtt {api_id}.RootResourceId"
            )
        properties = self.properties(str(logical_id))
        inner = f"Resources.{logical_id}.Properties"
        part = self.text(properties.get("PathPart"), f"{inner}.PathPart")
        parent = self.resource_path(properties.get("ParentId"), api_id, f"{inner}.ParentId", depth + 1)
        return check_resource_path(parent.rstrip("/") + "/" + part, f"{self.source}: {inner}.PathPart")

    def stages(self, api_id: str) -> list[Stage]:
        stages = []
        for logical_id in self.of_type("AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment"):
            where = f"Resources.{logical_id}.Properties"
            properties = self.properties(logical_id)
            if _reference(properties.get("RestApiId")) != api_id or "StageName" not in properties:
                continue
            variables = properties.get("Variables")
            if self.resources[logical_id].get("Type") == "AWS::ApiGateway::Deployment":
                variables = self.mapping(properties.get("StageDescription"), f"{where}.StageDescription").get(
                    "Variables"
                )
            name = self.text(properties["StageName"], f"{where}.StageName")
            resolved = self.resolve(variables or {}, f"{where}.Variables")
            stages.append(Stage(name, self.variables(resolved, f"{where}.Variables")))
        return stages

    def declared(self, value: Any, where: str) -> dict[str, bool]:
        """``RequestParameters``: ``method.request.path.petId: true`` (CloudFormation) or SAM's
        list of names and ``{name: {Required: true}}``."""
        value = self.resolve(value, where)
        if value is None:
            return {}
        if isinstance(value, dict):
            return {str(name): required is True or str(required).lower() == "true" for name, required in value.items()}
        declared = {}
        for item in self.sequence(value, where):
            if isinstance(item, str):
                declared[item] = False
            elif isinstance(item, dict):
                for name, settings in item.items():
                    declared[str(name)] = isinstance(settings, dict) and settings.get("Required") is True
        return declared

    def method_responses(self, value: Any, where: str) -> dict[int, frozenset[str]] | None:
        if value is None:
            return None
        responses = {}
        for index, item in enumerate(self.sequence(value, where)):  # models stay references (response_models)
            item = self.mapping(item, f"{where}.MethodResponses[{index}]")
            status = str(self.resolve(item.get("StatusCode", ""), f"{where}.MethodResponses[{index}].StatusCode"))
            if not status.isdigit():
                raise DefinitionError(f"{self.source}: {where}.MethodResponses[{index}].StatusCode: expected a status")
            parameters = self.mapping(
                self.resolve(item.get("ResponseParameters"), where), f"{where}.MethodResponses[{index}]"
            )
            responses[int(status)] = frozenset(str(name).removeprefix("method.response.header.") for name in parameters)
        return responses

    # -- functions --------------------------------------------------------------------------

    def function(self, logical_id: str) -> LocalFunction:
        where = f"Resources.{logical_id}.Properties"
        serverless = self.resources[logical_id].get("Type") == "AWS::Serverless::Function"
        shared = self.mapping(self.globals.get("Function"), "Globals.Function") if serverless else {}
        properties = {**shared, **self.properties(logical_id)}
        environment = {
            **self.environment(shared.get("Environment"), "Globals.Function.Environment"),
            **self.environment(self.properties(logical_id).get("Environment"), f"{where}.Environment"),
        }
        name = self.resolver.function_name(logical_id)
        handler, why_not = self.local_handler(properties, where, serverless)
        return LocalFunction(
            name=name,
            arn=function_arn(name),
            handler=handler,
            why_not_local=why_not,
            timeout_s=self.timeout(properties.get("Timeout", DEFAULT_FUNCTION_TIMEOUT_S), f"{where}.Timeout"),
            environment=environment,
            logical_id=logical_id,
        )

    def timeout(self, value: Any, where: str) -> float:
        """A function's ``Timeout``: seconds from 1 to 900, a number or its text."""
        value = self.resolve(value, where)
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = float("nan")
        if isinstance(value, bool) or not 1 <= seconds <= MAX_FUNCTION_TIMEOUT_S:  # NaN too
            raise DefinitionError(f"{self.source}: {where}: expected seconds from 1 to 900, got {value!r}")
        return seconds

    def local_handler(self, properties: dict[str, Any], where: str, serverless: bool) -> tuple[HandlerSpec | None, str]:
        """The function's Python handler in its local code folder, or why there is none."""
        if properties.get("PackageType") == "Image":
            return None, "it is a container image"
        if "InlineCode" in properties or isinstance(properties.get("Code"), dict) and "ZipFile" in properties["Code"]:
            return None, "its code is inline in the template"
        runtime = str(self.resolve(properties.get("Runtime", ""), f"{where}.Runtime"))
        if not runtime.startswith("python"):
            return None, f"its runtime is {runtime or 'not given'}; apigw runs Python handlers"
        code = self.resolve(properties.get("CodeUri" if serverless else "Code", "."), f"{where}.CodeUri")
        if not isinstance(code, str) or isinstance(code, Unresolved):
            return None, "its code is not in a local folder"
        folder = self.path.parent / code
        if not folder.is_dir():
            return None, f"its code folder {folder} does not exist"
        handler = str(self.resolve(properties.get("Handler", ""), f"{where}.Handler"))
        module, _, function = handler.replace("/", ".").rpartition(".")
        file = folder / f"{module}.py"
        try:
            if "." not in module and file.is_file():  # named by its file: its folder is the task root
                return HandlerSpec.parse(f"{file}:{function}", Path.cwd()), ""
            return HandlerSpec.parse(f"{module}:{function}", folder), ""
        except ApigwError:
            return None, f"its Handler {handler!r} is not module.function"

    def api_events(self, function: LocalFunction) -> list[tuple[str, Method]]:
        """The function's ``Api`` events: (API logical id, its Lambda proxy method)."""
        properties = self.properties(function.logical_id)
        events = self.mapping(properties.get("Events"), f"Resources.{function.logical_id}.Properties.Events")
        methods = []
        for event_id, event in events.items():
            where = f"Resources.{function.logical_id}.Properties.Events.{event_id}"
            event = self.mapping(event, where)
            if event.get("Type") != "Api":
                continue
            settings = self.mapping(event.get("Properties"), f"{where}.Properties")
            path = self.text(settings.get("Path"), f"{where}.Properties.Path")
            http_method = self.text(settings.get("Method"), f"{where}.Properties.Method").upper()
            if http_method not in HTTP_METHODS:
                raise DefinitionError(f"{self.source}: {where}.Properties.Method: expected one of HTTP methods or any")
            integration = Integration(
                type="AWS_PROXY",
                source=f"{self.source}: {where}",
                uri=f"arn:aws:apigateway:{DEFAULT_REGION}:lambda:path/2015-03-31/functions/{function.arn}/invocations",
                http_method="POST",
            )
            method = Method(
                http_method=http_method,
                resource=check_resource_path(path, f"{self.source}: {where}.Properties.Path"),
                integration=integration,
                source=f"{self.source}: {where}",
                request_parameters=self.declared(settings.get("RequestParameters"), f"{where}.RequestParameters"),
            )
            methods.append((_reference(settings.get("RestApiId")) or IMPLICIT_API, method))
        return methods

    # -- helpers ----------------------------------------------------------------------------

    def of_type(self, *types: str) -> list[str]:
        """Logical ids of the resources of these types whose ``Condition`` does not rule them out."""
        found = []
        for logical_id, resource in self.resources.items():
            if not isinstance(resource, dict) or resource.get("Type") not in types:
                continue
            condition = resource.get("Condition")
            if isinstance(condition, str) and self.resolver.condition(condition, f"Resources.{logical_id}") is False:
                continue
            found.append(str(logical_id))
        return found

    def properties(self, logical_id: str) -> dict[str, Any]:
        return self.mapping(self.resources[logical_id].get("Properties"), f"Resources.{logical_id}.Properties")

    def resolve(self, value: Any, where: str) -> Any:
        return self.resolver.resolve(value, where)

    def text(self, value: Any, where: str) -> str:
        value = self.resolve(value, where)
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise DefinitionError(f"{self.source}: {where}: expected text, got {kind_of(value)}")
        return str(value)

    def variables(self, value: Any, where: str) -> dict[str, str]:
        """Stage or environment variables: text, numbers and booleans as CloudFormation writes them."""
        variables = {}
        for name, item in self.mapping(value, where).items():
            if isinstance(item, bool):
                item = "true" if item else "false"
            if not isinstance(item, str | int | float):
                raise DefinitionError(f"{self.source}: {where}.{name}: expected text, got {kind_of(item)}")
            variables[str(name)] = str(item)
        return variables

    def environment(self, value: Any, where: str) -> dict[str, str]:
        variables = self.mapping(self.resolve(value, where), where).get("Variables")
        return self.variables(variables, f"{where}.Variables")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        return mapping_at(value, self.source, where)

    def sequence(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise DefinitionError(f"{self.source}: {where}: expected a list, got {kind_of(value)}")
        return value


def _parameter_value(name: str, spec: Any, given: dict[str, str]) -> Any:
    """A parameter's value: given, else its ``Default``, else ``None``; list types as lists."""
    value = given.get(name, spec.get("Default") if isinstance(spec, dict) else None)
    kind = str(spec.get("Type", "String")) if isinstance(spec, dict) else "String"
    if value is not None and (kind == "CommaDelimitedList" or kind.startswith("List<")):
        return [item.strip() for item in str(value).split(",")] if not isinstance(value, list) else value
    return None if value is None else str(value)


def _reference(value: Any) -> str | None:
    """The logical id of ``!Ref X`` or ``!GetAtt X.RestApiId`` (or plain text naming it)."""
    if isinstance(value, dict) and set(value) == {"Ref"} and isinstance(value["Ref"], str):
        return value["Ref"]
    attribute = _attribute(value)
    if attribute is not None and attribute[1] == "RestApiId":
        return attribute[0]
    return value if isinstance(value, str) else None


def _attribute(value: Any) -> tuple[str, str] | None:
    """``(logical id, attribute)`` of ``!GetAtt X.Attribute`` (either form), else ``None``."""
    if not (isinstance(value, dict) and set(value) == {"Fn::GetAtt"}):
        return None
    target = value["Fn::GetAtt"]
    parts = target.split(".", 1) if isinstance(target, str) else target
    if isinstance(parts, list) and len(parts) == 2 and all(isinstance(part, str) for part in parts):
        return parts[0], parts[1]
    return None


def _named(mapping: dict[Any, Any]) -> dict[str, Any]:
    return {str(name): value for name, value in mapping.items()}


def _is_root(value: Any, api_id: str) -> bool:
    """``!GetAtt Api.RootResourceId``."""
    return _attribute(value) == (api_id, "RootResourceId")
