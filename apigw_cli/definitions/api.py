"""A REST API as a definition describes it: its methods (resource, HTTP method, integration,
declared parameters and method responses), stages and binary media types, and how API
Gateway routes a request to one of its methods (spec §1, §8.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl

from apigw_cli.definitions.integration import Integration
from apigw_cli.documents import kind_of
from apigw_cli.errors import DefinitionError, UsageError
from apigw_cli.integrations.lambda_ import FunctionIdentity, HandlerSpec
from apigw_cli.models import Request

#: ``x-amazon-apigateway-any-method``: the method that answers any other.
ANY = "ANY"
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", ANY)
PATH_PARAMETER = re.compile(r"\{([a-zA-Z0-9._$-]+)(\+?)\}")


@dataclass(frozen=True)
class Body:
    """A body a definition describes (for ``apigw check``): its JSON Schema, ``$ref``s
    inlined, and its example when it gives one."""

    schema: dict[str, Any] | None = None
    example: Any = None
    has_example: bool = False


@dataclass
class Method:
    """One method of a resource, e.g. ``GET /pets/{petId}``."""

    http_method: str
    resource: str
    #: ``None``: the method exists without an integration (AWS answers 500).
    integration: Integration | None
    #: Where it was defined, for messages: ``api.yaml: paths./pets.get``.
    source: str
    #: Declared request parameters, ``method.request.path.petId`` → required.
    request_parameters: dict[str, bool] = field(default_factory=dict)
    #: Declared method responses: status → header names; ``None`` when the definition declares
    #: none (nothing is then checked).
    method_responses: dict[int, frozenset[str]] | None = None
    #: The request bodies it accepts, by content type, and its responses' bodies by status.
    request_bodies: dict[str, Body] = field(default_factory=dict)
    response_bodies: dict[int, dict[str, Body]] = field(default_factory=dict)

    @property
    def route(self) -> str:
        return f"{self.http_method} {self.resource}"


@dataclass
class Stage:
    name: str
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class LocalFunction:
    """A Lambda function of a template, with the local code that runs it where there is some."""

    name: str
    arn: str
    #: Where its code is: ``src/app.lambda_handler`` for a Python function, else ``None``.
    handler: HandlerSpec | None
    #: Why it cannot run locally (another runtime, code in S3), when ``handler`` is ``None``.
    why_not_local: str = ""
    timeout_s: float | None = None
    #: The function's own environment variables (``Environment.Variables``).
    environment: dict[str, str] = field(default_factory=dict)
    #: Its logical id in the template.
    logical_id: str = ""


@dataclass
class Api:
    """A REST API."""

    name: str
    source: str
    methods: list[Method] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    #: The export's ``basePath`` (or OpenAPI 3's server path), e.g. ``/prod``.
    base_path: str = ""
    binary_media_types: tuple[str, ...] = ()
    #: Lambda functions of the template the API belongs to.
    functions: list[LocalFunction] = field(default_factory=list)

    def stage(self, name: str | None) -> Stage | None:
        """The stage ``name``; without a name the only stage (or the base path's) if there is
        one. An unknown name, or no name among several stages, is a usage error listing them."""
        known = ", ".join(stage.name for stage in self.stages)
        if name is None:
            if len(self.stages) == 1:
                return self.stages[0]
            if self.stages:
                raise UsageError(
                    f"{self.source}: the API has several stages ({known}); name the one to use",
                    hint="--stage NAME on the command line, stage: in a case's request",
                )
            base = self.base_path.strip("/")
            return Stage(base) if base and "/" not in base else None
        for stage in self.stages:
            if stage.name == name:
                return stage
        if self.stages:
            raise UsageError(f"{self.source}: no stage {name!r} in the definition (its stages: {known})")
        return Stage(name)

    def resources(self) -> list[str]:
        """Every resource path, with the parents API Gateway creates for them (``/pets`` for
        ``/pets/{petId}``), in definition order."""
        paths: dict[str, None] = {"/": None}
        for method in self.methods:
            parts = segments(method.resource)
            for end in range(1, len(parts) + 1):
                paths["/" + "/".join(parts[:end])] = None
        return list(paths)

    def routed(self, request: Request, http_method: str | None, target: str | None, stage: str | None) -> Request:
        """``request`` sent as ``http_method target`` to ``stage`` of this API
        (:func:`routed_request`, with the stage's variables)."""
        return routed_request(request, http_method, target, self.stage(stage))

    def find_method(self, http_method: str, resource: str) -> Method | None:
        """The method defined for exactly ``http_method`` on ``resource``."""
        return next(
            (item for item in self.methods if item.http_method == http_method and item.resource == resource), None
        )

    def route(self, http_method: str, path: str) -> RouteMatch:
        """Route a request as API Gateway does: the most specific resource matching ``path``
        (literal segments over ``{param}`` over ``{proxy+}``), then its method (the exact one
        over ``ANY``). ``RouteMatch.method`` is ``None`` when nothing answers: AWS's 403."""
        matches = []
        wanted = segments(path)
        for resource in self.resources():
            parameters = _match(segments(resource), wanted)
            if parameters is not None:
                matches.append((_specificity(resource), resource, parameters))
        if not matches:
            return RouteMatch(None, None, {})
        _, resource, parameters = min(matches, key=lambda item: item[0])
        method = self.find_method(http_method.upper(), resource) or self.find_method(ANY, resource)
        return RouteMatch(method, resource, parameters)

    def function(self, reference: str | None) -> LocalFunction | None:
        """The template's function that ``reference`` (an integration uri, a function ARN,
        name or logical id) calls; an alias or version qualifier (``:live``) is allowed."""
        if not reference:
            return None
        arn = FunctionIdentity.from_uri(reference, "").arn
        for function in self.functions:
            if reference in (function.name, function.arn, function.logical_id) or arn == function.arn:
                return function
            if arn.startswith(function.arn + ":") and ":" not in arn[len(function.arn) + 1 :]:
                return function
        return None

    def function_names(self) -> set[str]:
        """Every name a ``--handler NAME=...`` may use: the template's functions (name, ARN,
        logical id) and the functions the routes call."""
        names = {name for function in self.functions for name in (function.name, function.arn, function.logical_id)}
        for method in self.methods:
            uri = method.integration.uri if method.integration else None
            if uri:
                identity = FunctionIdentity.from_uri(uri, "")
                names.update(name for name in (identity.name, identity.arn) if name)
        return names

    def check_resources(self) -> None:
        """What API Gateway refuses when it creates the resources: two variable path parts
        under one parent (``/a/{x}`` beside ``/a/{y}``), or one method defined twice."""
        variables: dict[str, str] = {}
        for resource in self.resources():
            parent, _, part = resource.rpartition("/")
            if PATH_PARAMETER.fullmatch(part):
                other = variables.setdefault(parent or "/", part)
                if other != part:
                    raise DefinitionError(
                        f"{self.source}: {resource}: a sibling ({other}) of this resource already has a variable "
                        "path part; API Gateway refuses it"
                    )
        seen: dict[str, Method] = {}
        for method in self.methods:
            first = seen.setdefault(method.route, method)
            if first is not method:
                raise DefinitionError(f"{method.source}: {method.route} is also defined at {first.source}")


@dataclass
class RouteMatch:
    method: Method | None
    #: The resource the path matched (even when it has no such method).
    resource: str | None
    #: Path parameters as sent: not percent-decoded; a greedy one without a trailing slash.
    path_parameters: dict[str, str]


def mapping_at(value: object, source: str, where: str) -> dict[Any, Any]:
    """``value`` as a mapping (``None``: an empty one), or an error naming where it is."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DefinitionError(f"{source}: {where}: expected a mapping, got {kind_of(value)}")
    return value


def segments(path: str) -> list[str]:
    """A path's segments: one trailing slash is ignored, empty segments are kept.

    >>> segments("/pets/7/"), segments("/"), segments("/a//b")
    (['pets', '7'], [], ['a', '', 'b'])
    """
    text = path.removeprefix("/")
    text = text.removesuffix("/")
    return text.split("/") if text else []


def _match(pattern: list[str], wanted: list[str]) -> dict[str, str] | None:
    parameters: dict[str, str] = {}
    for index, part in enumerate(pattern):
        variable = PATH_PARAMETER.fullmatch(part)
        if variable is not None and variable.group(2):  # greedy: one or more segments, and the last part
            rest = wanted[index:]
            if not rest or not "".join(rest):
                return None
            parameters[variable.group(1)] = "/".join(rest)
            return parameters
        if index >= len(wanted):
            return None
        if variable is not None:
            if not wanted[index]:
                return None
            parameters[variable.group(1)] = wanted[index]
        elif part != wanted[index]:
            return None
    return parameters if len(pattern) == len(wanted) else None


def _specificity(resource: str) -> tuple[int, ...]:
    """Lower is more specific, compared segment by segment: literal, then ``{param}``, then
    ``{proxy+}``."""
    ranks = []
    for part in segments(resource):
        variable = PATH_PARAMETER.fullmatch(part)
        ranks.append(0 if variable is None else 2 if variable.group(2) else 1)
    return tuple(ranks)


def check_resource_path(path: str, where: str) -> str:
    """A resource path as API Gateway accepts it: ``/`` then segments; ``{name+}`` only last."""
    if not path.startswith("/"):
        raise DefinitionError(f"{where}: a resource path starts with '/', got {path!r}")
    parts = segments(path)
    for index, part in enumerate(parts):
        variable = PATH_PARAMETER.fullmatch(part)
        if not part or ("{" in part or "}" in part) and variable is None:
            raise DefinitionError(f"{where}: invalid path segment {part!r} in {path!r}")
        if variable is not None and variable.group(2) and index != len(parts) - 1:
            raise DefinitionError(f"{where}: a greedy {part} must be the last segment of {path!r}")
    return "/" + "/".join(parts)


_MAPPED_PARAMETER = re.compile(
    r"method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.(.+)"
)


def check_declarations(method: Method) -> list[str]:
    """What API Gateway checks when it imports ``method``: a mapped method request parameter
    must be declared on the method, a mapped response header on the method response
    (:class:`DefinitionError`, as the import fails). An integration response whose status has
    no method response imports, but answers 500 when selected: a warning (spec §4)."""
    integration = method.integration
    if integration is None:
        return []
    for target, expression in integration.request_parameters.items():
        mapped = _MAPPED_PARAMETER.fullmatch(expression)
        if mapped is None:
            continue
        declared = f"method.request.{mapped.group(1).removeprefix('multivalue')}.{mapped.group(2)}"
        if declared not in method.request_parameters:
            raise DefinitionError(
                f"{integration.source}: requestParameters.{target}: {expression} is not declared on the method "
                f"(AWS refuses the mapping: Invalid mapping expression parameter specified: {declared})"
            )
    warnings: list[str] = []
    if method.method_responses is None:
        return warnings
    for response in integration.responses:
        headers = method.method_responses.get(response.status)
        if headers is None:
            warnings.append(
                f"{integration.source}: integration response {response.status} has no method response; "
                f"AWS answers 500 when it is selected"
            )
            continue
        for target in response.parameters:
            name = target.removeprefix("method.response.header.")
            if name not in headers:
                raise DefinitionError(
                    f"{integration.source}: responses: {target} is not declared on method response "
                    f"{response.status} (AWS refuses the mapping: Invalid mapping expression parameter specified)"
                )
    return warnings


def routed_request(request: Request, http_method: str | None, target: str | None, stage: Stage | None) -> Request:
    """``request`` sent as ``http_method target`` (``/pets?limit=2``: the query string is
    added to the request's) on ``stage``, whose variables the request's own override."""
    changes: dict[str, Any] = {}
    if http_method is not None:
        method = http_method.upper()
        if method not in HTTP_METHODS or method == ANY:
            raise UsageError(f"method {http_method!r}: expected one of {', '.join(HTTP_METHODS[:-1])}")
        changes["method"] = method
    if target is not None:
        path, _, query = target.partition("?")
        if not path.startswith("/"):
            raise UsageError(f"path {target!r}: expected a path after the stage, starting with '/'")
        merged = {name: list(values) for name, values in request.query.items()}
        for name, value in parse_qsl(query, keep_blank_values=True):
            merged.setdefault(name, []).append(value)
        changes.update(path=path, query=merged)
    if stage is not None:
        changes.update(stage=stage.name, stage_variables={**stage.variables, **request.stage_variables})
    return replace(request, **changes)
