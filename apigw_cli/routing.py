"""A request through an API definition: routed to one of its methods as API Gateway routes
it (spec §1, §8.1), then simulated through that method's integration
(:func:`apigw_cli.invoke.invoke`)."""

from __future__ import annotations

import re
from dataclasses import replace

from apigw_cli.definitions.api import Api
from apigw_cli.definitions.handlers import HandlerMap
from apigw_cli.errors import UsageError
from apigw_cli.gateway_responses import (
    API_CONFIGURATION_ERROR,
    MISSING_AUTHENTICATION_TOKEN,
    GatewayResponseType,
    gateway_response,
    standard_headers,
)
from apigw_cli.integrations.aws import calls_lambda
from apigw_cli.invoke import InvokeOptions, invoke
from apigw_cli.models import InvokeResult, Request
from apigw_cli.trace import ExecutionLog

#: A value a template left to AWS (``${Backend}``); ``${stageVariables.x}`` is the uri's own.
_PLACEHOLDER = re.compile(r"\$\{(?!stageVariables\.)([^}]+)\}")


def invoke_route(
    api: Api, request: Request, options: InvokeOptions, handlers: HandlerMap | None = None
) -> InvokeResult:
    """Route ``request`` (its method and path) to one of ``api``'s methods as API Gateway does,
    then simulate the call through that method's integration. No route: AWS's 403."""
    match = api.route(request.method, request.routed_path)
    method = match.method
    if method is None:
        what = "no resource matches the path" if match.resource is None else f"{match.resource} has no {request.method}"
        return _gateway_result(
            MISSING_AUTHENTICATION_TOKEN,
            request,
            options,
            f"No method for {request.method} {request.path} in {api.name}: {what}",
            [f"{api.source}: {what} ({request.method} {request.path}); AWS answers 403 Missing Authentication Token"],
        )
    request = replace(request, resource=match.resource or "/", path_parameters=match.path_parameters)
    if method.integration is None:
        return _gateway_result(
            API_CONFIGURATION_ERROR,
            request,
            options,
            "Execution failed due to configuration error: No integration defined for method",
            [f"{method.source}: {method.route} has no integration"],
        )
    integration = method.integration
    placeholder = _PLACEHOLDER.search(integration.uri or "")
    if placeholder is not None:
        raise UsageError(
            f"{method.source}: the uri {integration.uri} holds {placeholder.group(0)}, which the template leaves to "
            "AWS; give its value",
            hint=f"--param {placeholder.group(1)}=VALUE on the command line, params: in a case",
        )
    handlers = handlers or HandlerMap()
    handlers.check(api)
    options = replace(options, binary_media_types=(*api.binary_media_types, *options.binary_media_types))
    if integration.type in ("AWS", "AWS_PROXY") and options.lambda_endpoint is None:
        choice = handlers.choose(api, integration)
        function = choice.function
        options = replace(
            options,
            handler=choice.handler,
            function_timeout_s=options.function_timeout_s or (function.timeout_s if function else None),
            function_environment={**(function.environment if function else {}), **options.function_environment},
        )
        if choice.handler is None and calls_lambda(integration.uri):
            why = f" ({function.name}: {function.why_not_local})" if function is not None else ""
            raise UsageError(
                f"{method.source}: {method.route} calls a Lambda function apigw has no local code for{why}; "
                "say which code answers for it",
                hint="--handler NAME=FILE.py:FUNCTION or --lambda-endpoint URL; handler: in a case",
            )
    return invoke(integration, request, options, method_responses=method.method_responses)


def _gateway_result(
    kind: GatewayResponseType, request: Request, options: InvokeOptions, message: str, warnings: list[str]
) -> InvokeResult:
    """A call API Gateway answers itself, before any integration runs."""
    log = ExecutionLog(options.identity.epoch_ms, frozen=options.frozen_clock, reveal_secrets=options.reveal_secrets)
    log.start(request, options.identity.request_id)
    log.add(message)
    response = gateway_response(kind)
    response.headers = standard_headers(response, options.identity, trace=True)
    log.add(f"Method completed with status: {response.status}")
    return InvokeResult(response, log.lines, 0, None, warnings)
