"""The routes of an API, one each (what ``apigw routes`` lists), and the template a route
keeps (what ``apigw render --route`` renders)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from apigw_cli.definitions.api import ANY, PATH_PARAMETER, Api, Method
from apigw_cli.definitions.handlers import HandlerMap
from apigw_cli.definitions.integration import MappingTemplate
from apigw_cli.definitions.select import UnsupportedMediaType, select_request_template, select_response_template
from apigw_cli.errors import UsageError
from apigw_cli.integrations.aws import calls_lambda
from apigw_cli.integrations.lambda_ import FunctionIdentity
from apigw_cli.models import Request, Response


@dataclass
class Route:
    """A method of the API, and where its integration goes."""

    method: Method
    #: The integration's uri, or for a Lambda function its name and the code that runs it.
    target: str
    #: The local handler that answers for a Lambda function (``file.py:function``).
    handler: str | None

    @property
    def integration_type(self) -> str:
        return self.method.integration.type if self.method.integration else "none"

    def to_json(self) -> dict[str, Any]:
        integration = self.method.integration
        return {
            "method": self.method.http_method,
            "resource": self.method.resource,
            "type": self.integration_type,
            "uri": integration.uri if integration else None,
            "target": self.target,
            "handler": self.handler,
            "requestTemplates": list(integration.request_templates) if integration else [],
            "responses": [
                {
                    "selectionPattern": response.selection_pattern,
                    "statusCode": response.status,
                    "responseTemplates": list(response.templates),
                }
                for response in (integration.responses if integration else [])
            ],
            "source": self.method.source,
        }


@dataclass
class RouteTable:
    """``apigw routes``: each API's routes, by resource path then method."""

    apis: list[tuple[Api, list[Route]]]

    def to_json(self) -> dict[str, Any]:
        return {
            "apis": [
                {
                    "name": api.name,
                    "basePath": api.base_path,
                    "stages": {stage.name: stage.variables for stage in api.stages},
                    "routes": [route.to_json() for route in routes],
                }
                for api, routes in self.apis
            ]
        }


def route_table(apis: list[Api], handlers: HandlerMap) -> RouteTable:
    """The routes of ``apis``; Lambda targets name the code ``handlers`` (or the template) runs."""
    table = RouteTable([])
    for api in apis:
        handlers.check(api)
        ordered = sorted(api.methods, key=lambda item: (item.resource, item.http_method))
        table.apis.append((api, [_route(api, method, handlers) for method in ordered]))
    return table


def _route(api: Api, method: Method, handlers: HandlerMap) -> Route:
    integration = method.integration
    if integration is None:
        return Route(method, "", None)
    if integration.type not in ("AWS", "AWS_PROXY") or not calls_lambda(integration.uri):
        return Route(method, integration.uri or "", None)
    choice = handlers.choose(api, integration)
    name = choice.function.name if choice.function else FunctionIdentity.from_uri(integration.uri, "").name
    if choice.handler is not None:
        return Route(method, f"lambda {name}: {choice.handler.shown}", choice.handler.shown)
    why = choice.function.why_not_local if choice.function else "no local code"
    return Route(method, f"lambda {name} ({why})", None)


@dataclass
class RouteTemplate:
    """A template a definition keeps, and what it renders against: the request as the route
    receives it and, for a response template, the backend's response."""

    template: MappingTemplate
    request: Request
    response: Response | None
    warnings: list[str] = field(default_factory=list)


def route_template(
    api: Api,
    route: str,
    request: Request,
    *,
    stage: str | None = None,
    content_type: str | None = None,
    status: int | None = None,
    response: Response | None = None,
) -> RouteTemplate:
    """The request template of ``route`` (``'METHOD PATH'``; PATH a concrete path, or the
    resource itself with path parameters from the request) for ``content_type`` (default:
    the request's ``Content-Type``); with ``status``, the template of that integration
    response for ``content_type`` (default: the request's ``Accept``), rendered against
    ``response`` (default: the request's body as the backend's answer). ``stage`` names the
    API's stage, as :meth:`Api.stage` takes it."""
    http_method, _, target = route.strip().partition(" ")
    path, _, query = target.strip().partition("?")
    if not http_method or not path.startswith("/"):
        raise UsageError(f"route {route!r}: expected 'METHOD PATH', e.g. 'GET /pets/7' or 'GET /pets/{{petId}}'")
    warnings: list[str] = []
    method = api.find_method(http_method.upper(), path) or api.find_method(ANY, path)
    if method is not None:  # the resource itself: path parameters come from the request
        names = [match.group(1) for match in PATH_PARAMETER.finditer(path)]
        missing = [name for name in names if name not in request.path_parameters]
        if missing:
            warnings.append(f"route {route!r}: no value for path parameter {missing[0]} (give it with -p)")
        filled = PATH_PARAMETER.sub(lambda match: request.path_parameters.get(match.group(1), match.group(0)), path)
        request = api.routed(request, http_method, filled + (f"?{query}" if query else ""), stage)
        request = replace(request, resource=path)
    else:
        request = api.routed(request, http_method, target.strip(), stage)
        match = api.route(request.method, request.routed_path)
        if match.method is None:
            known = ", ".join(item.route for item in api.methods) or "none"
            raise UsageError(f"route {route!r}: no method of {api.name} answers it (its routes: {known})")
        for name, value in request.path_parameters.items():
            if match.path_parameters.get(name, value) != value:
                raise UsageError(f"route {route!r}: path parameter {name}={value} contradicts the path")
        method = match.method
        request = replace(request, resource=match.resource or "/", path_parameters=match.path_parameters)
    integration = method.integration
    if integration is None or integration.is_proxy:
        kind = "no integration" if integration is None else f"a {integration.type} integration"
        raise UsageError(f"{method.source}: {method.route} has {kind}, so no mapping templates; try apigw invoke")
    if content_type is not None:
        header = "Content-Type" if status is None else "Accept"
        request = replace(request, headers={**request.headers, header: [content_type]})
    if status is None:
        wanted = request.header("Content-Type") or "application/json"
        try:
            choice = select_request_template(integration.request_templates, wanted, "NEVER")
        except UnsupportedMediaType:
            choice = None
        if choice is None or choice.template is None:
            types = ", ".join(integration.request_templates) or "none"
            raise UsageError(
                f"{method.source}: {method.route} has no request template for {wanted} (its templates: {types})"
            )
        return RouteTemplate(choice.template, request, None, warnings)
    selected = next((item for item in integration.responses if item.status == status), None)
    if selected is None:
        statuses = ", ".join(str(item.status) for item in integration.responses) or "none"
        raise UsageError(f"{method.source}: {method.route} has no integration response {status} (it has: {statuses})")
    response_choice = select_response_template(selected.templates, request.header("Accept"))
    if response_choice.template is None:
        raise UsageError(f"{method.source}: integration response {status} of {method.route} has no template")
    if response is None:  # the request's body stands for the backend's answer
        response = Response(status=status, body=request.body or "", is_base64_encoded=request.is_base64_encoded)
        request = replace(request, body=None, is_base64_encoded=False)
    return RouteTemplate(response_choice.template, request, response, warnings)
