"""The routes of an API, a row each (what ``apigw routes`` shows), and the templates a route
keeps (what ``apigw render --route`` renders)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from apigw_cli.definitions.api import ANY, Api, Method, routed_request
from apigw_cli.definitions.handlers import HandlerMap
from apigw_cli.definitions.integration import MappingTemplate
from apigw_cli.definitions.select import UnsupportedMediaType, select_request_template, select_response_template
from apigw_cli.errors import UsageError
from apigw_cli.integrations.aws import calls_lambda
from apigw_cli.models import Request

_PATH_VARIABLE = re.compile(r"\{([a-zA-Z0-9._$-]+)\+?\}")


@dataclass
class Route:
    method: Method
    #: Where the integration goes: its uri, or the Lambda function and the code that runs it.
    target: str
    #: The local handler that answers for a Lambda function, as ``file.py:function``.
    handler: str | None

    @property
    def type(self) -> str:
        return self.method.integration.type if self.method.integration else "none"

    def templates(self) -> str:
        """``req application/json; 200 application/json, 404`` style summary."""
        integration = self.method.integration
        if integration is None:
            return ""
        parts = []
        if integration.request_templates:
            parts.append("request: " + ", ".join(integration.request_templates))
        responses = [
            f"{response.status}" + (f" ({', '.join(response.templates)})" if response.templates else "")
            for response in integration.responses
            if response.templates
        ]
        if responses:
            parts.append("response: " + ", ".join(responses))
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        integration = self.method.integration
        return {
            "method": self.method.http_method,
            "resource": self.method.resource,
            "type": self.type,
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


def routes(api: Api, handlers: HandlerMap | None = None) -> list[Route]:
    """Every method of ``api``, by resource path then method."""
    rows = []
    for method in sorted(api.methods, key=lambda item: (item.resource, item.http_method)):
        integration = method.integration
        target, handler = "", None
        if integration is not None:
            target = integration.uri or ""
            if integration.type in ("AWS", "AWS_PROXY") and calls_lambda(integration.uri):
                choice = (handlers or HandlerMap()).choose(api, integration)
                spec = choice.handler
                handler = spec.shown if spec is not None else None
                name = choice.function.name if choice.function else target.rsplit(":function:", 1)[-1]
                name = name.removesuffix("/invocations")
                why = choice.function.why_not_local if choice.function and spec is None else "no local code"
                target = f"lambda {name}: {handler}" if handler else f"lambda {name} ({why})"
        rows.append(Route(method, target, handler))
    return rows


@dataclass
class RouteTemplate:
    """A template stored in a definition, and the request as that route receives it."""

    template: MappingTemplate
    request: Request
    #: What the template is: ``request template for application/json of GET /pets/{petId}``.
    description: str


def route_template(
    api: Api, route: str, request: Request, *, content_type: str | None = None, status: int | None = None
) -> RouteTemplate:
    """The request template of ``route`` (``'METHOD PATH'``; PATH a concrete path or the
    resource itself) for ``content_type`` (default: the request's ``Content-Type``), or with
    ``status`` the template of that integration response for ``content_type`` (default: the
    request's ``Accept``), chosen as API Gateway chooses them."""
    http_method, _, path = route.strip().partition(" ")
    path = path.strip()
    if not http_method or not path.startswith("/"):
        raise UsageError(f"--route {route!r}: expected 'METHOD PATH', e.g. 'GET /pets/7' or 'GET /pets/{{petId}}'")
    method = api.find_method(http_method.upper(), path) or api.find_method(ANY, path)
    if method is not None:  # the resource itself: path parameters come from the request
        filled = _PATH_VARIABLE.sub(lambda match: request.path_parameters.get(match.group(1), match.group(0)), path)
        request = replace(request, method=http_method.upper(), resource=path, path=filled)
    else:
        request = routed_request(request, http_method, path, None)
        match = api.route(request.method, request.path)
        if match.method is None:
            known = ", ".join(item.route for item in api.methods) or "none"
            raise UsageError(f"--route {route!r}: no method of {api.name} answers it (its routes: {known})")
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
        unsupported = request.header("Content-Type") or "application/json"
        try:
            choice = select_request_template(integration.request_templates, request.header("Content-Type"), "NEVER")
        except UnsupportedMediaType as error:
            choice = None
            unsupported = str(error)
        if choice is None or choice.template is None:
            types = ", ".join(integration.request_templates) or "none"
            raise UsageError(
                f"{method.source}: {method.route} has no request template for {unsupported} (its templates: {types})"
            )
        return RouteTemplate(choice.template, request, f"request template {choice.media_type} of {method.route}")
    response = next((item for item in integration.responses if item.status == status), None)
    if response is None:
        statuses = ", ".join(str(item.status) for item in integration.responses) or "none"
        raise UsageError(f"{method.source}: {method.route} has no integration response {status} (it has: {statuses})")
    choice = select_response_template(response.templates, request.header("Accept"))
    if choice.template is None:
        raise UsageError(f"{method.source}: integration response {status} of {method.route} has no template")
    return RouteTemplate(
        choice.template, request, f"response template {choice.media_type} for {status} of {method.route}"
    )
