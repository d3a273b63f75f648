"""OpenAPI 2.0 (Swagger) and 3.x documents with API Gateway's extensions (spec §10.1): what
``aws apigateway get-export`` writes and ``import-rest-api`` reads.

Local ``$ref``s are followed; references to other files are refused by name, as API
Gateway's import does.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from apigw_cli.definitions.api import ANY, Api, Body, Method, check_resource_path, mapping_at
from apigw_cli.definitions.integration import integration_from_mapping
from apigw_cli.documents import kind_of
from apigw_cli.errors import DefinitionError

#: Operation keys of a path item, and the method each stands for.
OPERATIONS = {"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "options": "OPTIONS",
              "head": "HEAD", "patch": "PATCH", "x-amazon-apigateway-any-method": ANY}  # fmt: skip
INTEGRATION_KEY = "x-amazon-apigateway-integration"
#: Where an OpenAPI parameter goes in a ``method.request.*`` name.
_PARAMETER_LOCATIONS = {"path": "path", "query": "querystring", "header": "header"}
_MAX_REF_DEPTH = 64


def is_openapi(data: Any) -> bool:
    return isinstance(data, dict) and ("swagger" in data or "openapi" in data)


def read_openapi(data: Any, source: str, *, name: str | None = None) -> Api:
    """The API an OpenAPI document describes; ``source`` names it in errors (a file, or a
    file and the key that holds the document)."""
    if not isinstance(data, dict):
        raise DefinitionError(f"{source}: an OpenAPI document must be a mapping, not {kind_of(data)}")
    version = str(data.get("swagger") or data.get("openapi") or "")
    if not re.fullmatch(r"2\.0|3\.[01](\.\d+)?", version):
        raise DefinitionError(f"{source}: OpenAPI version {version!r} is not 2.0, 3.0 or 3.1")
    return _Reader(data, source).api(name)


class _Reader:
    def __init__(self, document: dict[str, Any], source: str) -> None:
        self.document = document
        self.source = source
        #: Inlined schemas by ``$ref``.
        self.schemas: dict[str, dict[str, Any] | None] = {}

    def api(self, name: str | None) -> Api:
        info = self.mapping(self.document.get("info"), "info")
        binary = self.document.get("x-amazon-apigateway-binary-media-types") or []
        if not isinstance(binary, list) or not all(isinstance(item, str) for item in binary):
            raise DefinitionError(f"{self.source}: x-amazon-apigateway-binary-media-types: expected a list of types")
        api = Api(
            name=name or str(info.get("title") or "api"),
            source=self.source,
            base_path=self.base_path(),
            binary_media_types=tuple(binary),
        )
        for path, item in self.mapping(self.document.get("paths"), "paths").items():
            where = f"paths.{path}"
            resource = check_resource_path(str(path), f"{self.source}: {where}")
            item = self.mapping(self.deref(item, where), where)
            shared = self.parameters(item.get("parameters"), f"{where}.parameters")
            for key, operation in item.items():
                if key in OPERATIONS:
                    api.methods.append(self.method(OPERATIONS[key], resource, operation, shared, f"{where}.{key}"))
        return api

    def base_path(self) -> str:
        """2.0's ``basePath``; 3.x: the first server URL's path, its variables at their defaults
        (an export writes ``/{basePath}`` with the stage as default)."""
        if isinstance(self.document.get("basePath"), str):
            base = self.document["basePath"].strip("/")
            return "/" + base if base else ""
        servers = self.document.get("servers")
        if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
            return ""
        url = str(servers[0].get("url", ""))
        variables = servers[0].get("variables") or {}
        if isinstance(variables, dict):
            for variable, spec in variables.items():
                default = spec.get("default", "") if isinstance(spec, dict) else ""
                url = url.replace("{" + str(variable) + "}", str(default))
        path = urlsplit(url).path if "://" in url else url
        path = "/" + "/".join(part for part in path.split("/") if part)
        return "" if path == "/" else path

    def method(self, http_method: str, resource: str, operation: Any, shared: dict[str, bool], where: str) -> Method:
        operation = self.mapping(self.deref(operation, where), where)
        parameters = {**shared, **self.parameters(operation.get("parameters"), f"{where}.parameters")}
        integration = None
        if INTEGRATION_KEY in operation:
            key = f"{where}.{INTEGRATION_KEY}"
            integration = integration_from_mapping(self.deref(operation[INTEGRATION_KEY], key), f"{self.source}: {key}")
        return Method(
            http_method=http_method,
            resource=resource,
            integration=integration,
            source=f"{self.source}: {where}",
            request_parameters=parameters,
            method_responses=self.responses(operation.get("responses"), f"{where}.responses"),
            request_bodies=self.request_bodies(operation, where),
            response_bodies=self.response_bodies(operation, where),
        )

    # -- bodies, for apigw check ------------------------------------------------------------

    def request_bodies(self, operation: dict[str, Any], where: str) -> dict[str, Body]:
        """OpenAPI 3's ``requestBody.content``, or 2.0's ``in: body`` parameter for each type
        the operation consumes."""
        if "requestBody" in operation:
            body = self.mapping(self.deref(operation["requestBody"], f"{where}.requestBody"), f"{where}.requestBody")
            return self.content(body.get("content"), f"{where}.requestBody.content")
        for index, item in enumerate(operation.get("parameters") or []):
            item = self.deref(item, f"{where}.parameters[{index}]")
            if isinstance(item, dict) and item.get("in") == "body":
                schema = self.schema(item.get("schema"), f"{where}.parameters[{index}].schema")
                example = item.get("x-example", (schema or {}).get("example"))
                has_example = "x-example" in item or "example" in (schema or {})
                types = operation.get("consumes") or self.document.get("consumes") or ["application/json"]
                return {str(kind): Body(schema, example, has_example) for kind in types}
        return {}

    def response_bodies(self, operation: dict[str, Any], where: str) -> dict[int, dict[str, Body]]:
        bodies: dict[int, dict[str, Body]] = {}
        for status, response in self.mapping(operation.get("responses"), f"{where}.responses").items():
            if not re.fullmatch(r"[1-5][0-9][0-9]", str(status)):
                continue
            key = f"{where}.responses.{status}"
            response = self.mapping(self.deref(response, key), key)
            if "content" in response:
                bodies[int(status)] = self.content(response.get("content"), f"{key}.content")
            elif "schema" in response:
                schema = self.schema(response["schema"], f"{key}.schema")
                examples: dict[str, Any] = self.mapping(response.get("examples"), f"{key}.examples")
                types = operation.get("produces") or self.document.get("produces") or ["application/json"]
                bodies[int(status)] = {str(kind): Body(schema, examples.get(kind), kind in examples) for kind in types}
        return bodies

    def content(self, value: Any, where: str) -> dict[str, Body]:
        bodies = {}
        for kind, media in self.mapping(value, where).items():
            media = self.mapping(media, f"{where}.{kind}")
            schema = self.schema(media.get("schema"), f"{where}.{kind}.schema")
            if "example" in media:
                bodies[str(kind)] = Body(schema, media["example"], True)
                continue
            examples = [self.deref(item, where) for item in self.mapping(media.get("examples"), where).values()]
            first = next((item for item in examples if isinstance(item, dict) and "value" in item), None)
            if first is not None:
                bodies[str(kind)] = Body(schema, first["value"], True)
            else:
                bodies[str(kind)] = Body(schema, (schema or {}).get("example"), "example" in (schema or {}))
        return bodies

    def schema(self, value: Any, where: str, depth: int = 0, seen: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """A schema with its ``$ref``s inlined (a cycle is cut to ``{}``)."""
        if not isinstance(value, dict):
            return None
        if "$ref" in value:
            reference = str(value["$ref"])
            if reference in seen or depth > _MAX_REF_DEPTH:
                return {}
            if reference not in self.schemas:  # shared references are inlined once, not once per use
                self.schemas[reference] = self.schema(self.deref(value, where), where, depth + 1, (*seen, reference))
            return self.schemas[reference]
        inlined: dict[str, Any] = {}
        for key, item in value.items():
            if key in ("properties", "patternProperties", "definitions") and isinstance(item, dict):
                inlined[key] = {name: self.schema(child, where, depth + 1, seen) or {} for name, child in item.items()}
            elif key in ("items", "additionalProperties", "not") and isinstance(item, dict):
                inlined[key] = self.schema(item, where, depth + 1, seen) or {}
            elif key in ("allOf", "anyOf", "oneOf") and isinstance(item, list):
                inlined[key] = [self.schema(child, where, depth + 1, seen) or {} for child in item]
            else:
                inlined[key] = item
        return inlined

    def parameters(self, value: Any, where: str) -> dict[str, bool]:
        """``method.request.LOCATION.NAME`` → required, for path, query and header parameters."""
        declared: dict[str, bool] = {}
        if value is None:
            return declared
        if not isinstance(value, list):
            raise DefinitionError(f"{self.source}: {where}: expected a list, got {kind_of(value)}")
        for index, item in enumerate(value):
            item = self.mapping(self.deref(item, f"{where}[{index}]"), f"{where}[{index}]")
            location = _PARAMETER_LOCATIONS.get(str(item.get("in")))
            if location is not None:
                declared[f"method.request.{location}.{item.get('name')}"] = item.get("required") is True
        return declared

    def responses(self, value: Any, where: str) -> dict[int, frozenset[str]] | None:
        if value is None:
            return None
        responses: dict[int, frozenset[str]] = {}
        for status, response in self.mapping(value, where).items():
            if not re.fullmatch(r"[1-5][0-9][0-9]", str(status)):
                continue  # "default" and ranges describe documentation only
            response = self.mapping(self.deref(response, f"{where}.{status}"), f"{where}.{status}")
            headers = response.get("headers") or {}
            responses[int(status)] = frozenset(str(name) for name in self.mapping(headers, f"{where}.{status}.headers"))
        return responses

    # -- helpers ----------------------------------------------------------------------------

    def mapping(self, value: Any, where: str) -> dict[Any, Any]:
        return mapping_at(value, self.source, where)

    def deref(self, value: Any, where: str) -> Any:
        """``value``, or what its ``$ref`` points to (a local JSON pointer), followed through."""
        for _ in range(_MAX_REF_DEPTH):
            if not (isinstance(value, dict) and "$ref" in value):
                return value
            reference = value["$ref"]
            if not isinstance(reference, str) or not reference.startswith("#/"):
                raise DefinitionError(
                    f"{self.source}: {where}: $ref {reference!r}: only references within the document (#/...) "
                    "are followed, as API Gateway's import does"
                )
            value = self.pointer(reference, where)
        raise DefinitionError(f"{self.source}: {where}: $ref chain longer than {_MAX_REF_DEPTH} (a cycle?)")

    def pointer(self, reference: str, where: str) -> Any:
        value: Any = self.document
        for token in reference[2:].split("/"):
            key = token.replace("~1", "/").replace("~0", "~")
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
                value = value[int(key)]
            else:
                raise DefinitionError(f"{self.source}: {where}: $ref {reference!r} points to nothing")
        return value
