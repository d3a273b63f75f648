"""One simulated call through an integration, stage by stage as API Gateway runs it (spec §1):
method request, parameter mapping, request template, the integration itself, integration
response selection, response mapping, method response. Every step is written to the
execution log.

Where the backend fails, the result is the gateway response AWS gives, with
:attr:`InvokeResult.failure` saying what went wrong.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from apigw_cli.definitions.integration import Integration, MappingTemplate, default_response
from apigw_cli.definitions.select import (
    SelectionError,
    UnsupportedMediaType,
    media_type,
    select_integration_response,
    select_request_template,
    select_response_template,
)
from apigw_cli.encoding import EncodingError, Payload, is_binary, request_payload, response_payload
from apigw_cli.errors import DefinitionError, UsageError
from apigw_cli.gateway_responses import (
    API_CONFIGURATION_ERROR,
    BAD_REQUEST_BODY,
    LAMBDA_PROXY_FAILURE,
    MAX_PAYLOAD_BYTES,
    REQUEST_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    gateway_response,
    standard_headers,
    trace_id,
)
from apigw_cli.integrations import aws_service, http
from apigw_cli.integrations.aws import calls_lambda, lambda_integration_response
from apigw_cli.integrations.aws_service import AwsEndpoint, ServiceUri
from apigw_cli.integrations.base import EndpointRequest, ExecutionFailed
from apigw_cli.integrations.lambda_ import (
    DEFAULT_FUNCTION_TIMEOUT_S,
    FunctionIdentity,
    HandlerSpec,
    InvokeApiFunction,
    LambdaFunction,
    LambdaReply,
    LocalHandler,
)
from apigw_cli.integrations.lambda_proxy import (
    MalformedProxyResponse,
    event_headers,
    proxy_event_v1,
    proxy_event_v2,
    read_proxy_response_v1,
    read_proxy_response_v2,
)
from apigw_cli.integrations.mock import mock_status
from apigw_cli.models import (
    InvokeResult,
    MultiValues,
    Request,
    Response,
    header_key,
    header_problem,
    last_values,
)
from apigw_cli.parameters import (
    IntegrationParameters,
    MappingError,
    MappingSources,
    map_request_parameters,
    map_response_parameters,
)
from apigw_cli.render import RequestScope, render_in_scope, request_scope
from apigw_cli.trace import ExecutionLog, java_map, masked_event
from apigw_cli.vtl.context import Identity
from apigw_cli.vtl.engine import compile_template


@dataclass
class InvokeOptions:
    """How to reach the backend, and the request's identity."""

    identity: Identity = field(default_factory=Identity.fresh)
    #: Fixed log times, for golden output (``--deterministic``).
    frozen_clock: bool = False
    #: A local Python Lambda handler (AWS, AWS_PROXY).
    handler: HandlerSpec | None = None
    #: A Lambda Invoke API endpoint instead of a local handler.
    lambda_endpoint: str | None = None
    #: The function's own timeout; ``None``: the template's, else Lambda's default.
    function_timeout_s: float | None = None
    #: The function's own environment variables.
    function_environment: dict[str, str] = field(default_factory=dict)
    #: A canned backend answer instead of a network call (HTTP, HTTP_PROXY, AWS services).
    backend_response: Response | None = None
    #: Where AWS service integrations send their requests (an AWS-compatible endpoint).
    aws_endpoint: AwsEndpoint | None = None
    #: The API's ``binaryMediaTypes``.
    binary_media_types: tuple[str, ...] = ()
    #: Show ``Authorization`` and ``X-Api-Key`` values in the log instead of masking them.
    reveal_secrets: bool = False


def invoke(
    integration: Integration,
    request: Request,
    options: InvokeOptions | None = None,
    *,
    method_responses: dict[int, frozenset[str]] | None = None,
) -> InvokeResult:
    """Simulate one call. Raises :class:`~apigw_cli.errors.TemplateError` for a template that
    does not render, :class:`~apigw_cli.errors.UsageError` when the backend to call is
    not given; a failing backend is part of the result. ``method_responses`` are the method's
    declared responses (status → headers), when a definition gives them."""
    return _Call(integration, request, options or InvokeOptions(), method_responses).run()


class _TooLarge(Exception):
    """The request body is over API Gateway's payload limit: 413 before anything runs."""


class _Call:
    def __init__(
        self,
        integration: Integration,
        request: Request,
        options: InvokeOptions,
        method_responses: dict[int, frozenset[str]] | None,
    ) -> None:
        self.integration = integration
        self.method_responses = method_responses
        self.request = request
        self.options = options
        self.scope: RequestScope = request_scope(request, options.identity)
        self.log = ExecutionLog(
            options.identity.epoch_ms, frozen=options.frozen_clock, reveal_secrets=options.reveal_secrets
        )
        self.warnings: list[str] = []
        self.request_id = options.identity.request_id

    # -- the whole call ---------------------------------------------------------------------

    def run(self) -> InvokeResult:
        request = self.request
        self.log.start(request, self.request_id)
        self.log.add(f"Method request path: {java_map(request.path_parameters)}")
        self.log.add(f"Method request query string: {java_map(last_values(request.query))}")
        self.log.add(f"Method request headers: {self.log.headers(request.headers)}")
        self.log.add(f"Method request body before transformations: {request.body_text()}")
        failure: str | None = None
        try:
            if len(Payload(request.body or "", request.is_base64_encoded).raw()) > MAX_PAYLOAD_BYTES:
                raise _TooLarge
            response = self._through_integration()
            self._check_headers(response)
            self.log.add("Successfully completed execution")
        except ExecutionFailed as error:
            self.log.add(error.log_message)
            response, failure = error.response(), error.detail
        except UnsupportedMediaType as error:
            behavior = self.integration.passthrough_behavior
            self.log.add(f"Execution failed: no request template for content type {error} ({behavior})")
            response = gateway_response(UNSUPPORTED_MEDIA_TYPE)
        except MappingError as error:
            self.log.add(f"Execution failed: {error}")
            response = gateway_response(BAD_REQUEST_BODY)
        except _TooLarge:
            response = gateway_response(REQUEST_TOO_LARGE)
        response.headers = standard_headers(
            response, self.options.identity, trace=self.integration.type != "HTTP_PROXY"
        )
        self.log.add(f"Method completed with status: {response.status}")
        return InvokeResult(response, self.log.lines, self.log.elapsed_ms(), failure, self.warnings)

    def _through_integration(self) -> Response:
        kind = self.integration.type
        if kind == "HTTP_PROXY":
            return self._http_proxy()
        if kind == "AWS_PROXY":
            return self._lambda_proxy()
        return self._non_proxy()

    # -- non-proxy: MOCK, HTTP, AWS -----------------------------------------------------------

    def _non_proxy(self) -> Response:
        integration, request = self.integration, self.request
        parameters = map_request_parameters(integration.request_parameters, self._sources())
        choice = select_request_template(
            integration.request_templates, request.header("Content-Type"), integration.passthrough_behavior
        )
        binary = is_binary(request.header("Content-Type"), self.options.binary_media_types)
        payload = self._encoded(
            lambda: request_payload(
                Payload(request.body or "", request.is_base64_encoded),
                binary=binary,
                handling=integration.content_handling,
            )
        )
        if choice.template is not None:
            payload = Payload(self._render(choice.template, request_body=payload.text()))
        self._apply_request_overrides(parameters)
        if integration.type == "MOCK":
            return self._mock(payload.body, templated=choice.template is not None)
        if integration.type == "HTTP":
            backend = self._call_http(self._http_request(parameters, payload, proxy=False))
            return self._integration_response(backend, str(backend.status))
        return self._aws(parameters, payload)

    def _mock(self, output: str, *, templated: bool) -> Response:
        if not templated:
            # No request template: the default integration response (spec §5).
            return self._integration_response(Response(status=200), None)
        status = mock_status(output)
        if status is None:
            raise ExecutionFailed(
                API_CONFIGURATION_ERROR,
                "Execution failed due to configuration error: Unable to parse statusCode. "
                "It should be an integer that is defined in the request template.",
                f"the MOCK request template's output has no integer statusCode: {output.strip()[:80]!r}",
            )
        return self._integration_response(Response(status=status), str(status))

    def _aws(self, parameters: IntegrationParameters, payload: Payload) -> Response:
        if not calls_lambda(self.integration.uri):
            service = ServiceUri.parse(self.integration.uri, self.integration.source)
            if self.integration.http_method is None:
                raise DefinitionError(
                    f"{self.integration.source}: an AWS integration needs an 'httpMethod' (POST for an action)"
                )
            endpoint = self._http_request(parameters, payload, proxy=False, service=service)
            backend = self._call_http(endpoint, service)
            return self._integration_response(backend, str(backend.status))
        reply, latency_ms = self._invoke(payload.text() or "{}")
        backend, selection_value = lambda_integration_response(reply)
        self._log_received(backend, latency_ms=latency_ms)
        return self._integration_response(backend, selection_value)

    def _integration_response(self, backend: Response, value: str | None) -> Response:
        """Select the integration response by ``value`` (``None``: only the default applies),
        map its parameters and template: the method response."""
        responses = self.integration.responses
        try:
            selection = select_integration_response(responses, value) if value is not None else None
        except SelectionError as error:
            raise DefinitionError(f"{self.integration.source}: {error}") from None
        selected = selection.response if selection else default_response(responses)
        if selected is None:
            raise ExecutionFailed(
                API_CONFIGURATION_ERROR,
                "Execution failed due to configuration error: No match for output mapping and no default output "
                f"mapping configured. Endpoint Response Status Code: {backend.status}",
                f"no integration response matches {value!r} and there is no default one",
            )
        if self.method_responses is not None and selected.status not in self.method_responses:
            raise ExecutionFailed(
                API_CONFIGURATION_ERROR,
                "Execution failed due to configuration error: Output mapping refers to an invalid method response: "
                f"{selected.status}",
                f"{self.integration.source}: integration response {selected.status} has no method response",
            )
        if selection and selection.also_matched:
            others = ", ".join(repr(item.selection_pattern) for item in selection.also_matched)
            self.warnings.append(
                f"{self.integration.source}: {value!r} also matches {others}; the first defined, "
                f"{selected.selection_pattern!r}, wins (AWS's rule between several matches is unconfirmed)"
            )
        try:
            headers = map_response_parameters(selected.parameters, self._sources(backend))
        except MappingError as error:
            raise ExecutionFailed(
                API_CONFIGURATION_ERROR,
                f"Execution failed due to configuration error: {error}",
                f"{self.integration.source}: responseParameters: {error}",
            ) from None
        choice = select_response_template(selected.templates, self.request.header("Accept"))
        payload = Payload(backend.body, backend.is_base64_encoded)
        if choice.template is not None:
            payload = Payload(self._render(choice.template, response=backend))
            headers.setdefault("Content-Type", [choice.media_type])
        if choice.template is None or selected.content_handling is not None:
            types = self.options.binary_media_types
            binary = choice.template is None and is_binary(backend.header("Content-Type"), types)
            binary_accept = is_binary(media_type(self.request.header("Accept")), types)
            handling = selected.content_handling
            payload = self._encoded(
                lambda: response_payload(payload, binary=binary, binary_accept=binary_accept, handling=handling)
            )
        response = Response(
            status=selected.status, headers=headers, body=payload.body, is_base64_encoded=payload.is_base64_encoded
        )
        self._apply_response_overrides(response)
        self._log_method_response(response)
        return response

    # -- proxies ------------------------------------------------------------------------------

    def _http_proxy(self) -> Response:
        parameters = map_request_parameters(self.integration.request_parameters, self._sources())
        request = self.request
        endpoint = self._http_request(parameters, Payload(request.body or "", request.is_base64_encoded), proxy=True)
        backend = self._call_http(endpoint)
        response = Response(
            status=backend.status,
            headers=http.proxied_response_headers(backend.headers),
            body=backend.body,
            is_base64_encoded=backend.is_base64_encoded,
        )
        self._log_method_response(response)
        return response

    def _lambda_proxy(self) -> Response:
        request, context = self.request, self.scope.context
        binary = is_binary(request.header("Content-Type"), self.options.binary_media_types)
        headers = event_headers(request, self._added_headers())
        version_2 = self.integration.payload_format == "2.0"
        build = proxy_event_v2 if version_2 else proxy_event_v1
        event = build(request, context, headers, binary=binary)
        shown = None if self.options.reveal_secrets else json.dumps(masked_event(event), ensure_ascii=False)
        reply, latency_ms = self._invoke(json.dumps(event, ensure_ascii=False), shown=shown)
        received, error_message = lambda_integration_response(reply)
        self._log_received(received, latency_ms=latency_ms)
        if reply.function_error is not None:
            raise ExecutionFailed(
                LAMBDA_PROXY_FAILURE,
                f"Lambda execution failed with status 200 due to customer function error: {error_message}. "
                f"Lambda request id: {self.request_id}",
                f"{reply.where}: {reply.error_summary()}",
            )
        try:
            if version_2:
                response = read_proxy_response_v2(reply.payload)
            else:
                accept = is_binary(media_type(request.header("Accept")), self.options.binary_media_types)
                response, both_ways = read_proxy_response_v1(reply.payload, binary_accept=accept)
                for name in both_ways:
                    self.log.add(
                        f"Lambda proxy response gives {name} in headers and multiValueHeaders: both values are "
                        "sent, multiValueHeaders first (as recorded in 2024; the documentation says only "
                        "multiValueHeaders)"
                    )
        except MalformedProxyResponse as error:
            raise ExecutionFailed(
                LAMBDA_PROXY_FAILURE,
                "Execution failed due to configuration error: Malformed Lambda proxy response",
                f"{self._function_label()}: malformed Lambda proxy response: {error}",
            ) from None
        response.headers = http.proxied_response_headers(response.headers)
        self._log_method_response(response)
        return response

    # -- the backends -------------------------------------------------------------------------

    def _http_request(
        self, parameters: IntegrationParameters, body: Payload, *, proxy: bool, service: ServiceUri | None = None
    ) -> EndpointRequest:
        """The endpoint request of an HTTP or HTTP_PROXY integration (spec §8.1, §8.2), or of
        an AWS service integration: the same rules, to the service's URL."""
        integration, request = self.integration, self.request
        uri = service.url() if service is not None else integration.uri
        if not uri:
            raise DefinitionError(f"{integration.source}: an {integration.type} integration needs a 'uri'")
        # ANY: the client's method (unconfirmed for HTTP).
        method = request.method if integration.http_method in (None, "ANY") else integration.http_method
        query = [(name, value) for name, values in request.query.items() for value in values] if proxy else []
        query += [(name, value) for name, values in parameters.query.items() for value in values]
        url = http.endpoint_url(uri, parameters.path, request.stage_variables, query)
        if service is not None:
            url = aws_service.canonical_url(url)  # signed as sent
        sends_body = proxy or method not in ("GET", "HEAD", "OPTIONS")
        if proxy:
            headers = http.proxy_request_headers(
                request.headers, parameters.headers, self._added_headers(), urlsplit(url).netloc
            )
        else:
            # An AWS service's protocol headers (spec'd in aws_service) unless mapped, before the client's type.
            protocol = service.protocol_headers(url) if service is not None else {}
            client_type = request.header("Content-Type") if sends_body else None
            headers = http.integration_request_headers(
                parameters.headers,
                content_type=protocol.pop("Content-Type", client_type),
                api_id=self._context_text("apiId"),
                trace_id=self._trace_id(),
            )
            for name, value in protocol.items():
                headers.setdefault(header_key(headers, name), [value])
        if not sends_body:
            body = Payload("")
        return EndpointRequest(method, url, headers, body.body, body.is_base64_encoded)

    def _call_http(self, endpoint: EndpointRequest, service: ServiceUri | None = None) -> Response:
        """Send ``endpoint`` (an AWS service's request to ``--aws-endpoint``, signed), or
        take the canned backend response."""
        canned = self.options.backend_response
        if canned is not None:
            self._log_endpoint(endpoint)
            self._log_received(canned, canned=True)
            return canned
        from apigw_cli.integrations.http_client import decode_bytes, send  # the network stack, only when used

        sent, ca_file = endpoint, None
        if service is not None:
            if self.options.aws_endpoint is None:
                raise aws_service.no_endpoint(service, self.integration.source)
            base = self.options.aws_endpoint.checked()
            sent = replace(endpoint, url=service.local_url(endpoint.url, base))
            sent = aws_service.sign(sent, service, decode_bytes(sent), base)
            endpoint = replace(endpoint, headers=sent.headers)  # the log shows AWS's URL, signed as sent
            role = self.integration.credentials or "none"
            self.log.add(
                f"AWS service integration: {endpoint.method} {service.describe()}, execution role {role}; "
                f"signed with SigV4 by {aws_service.signer_label(base)}"
            )
            ca_file = os.environ.get("AWS_CA_BUNDLE")  # as the AWS SDKs trust an endpoint's certificate
        self._log_endpoint(endpoint)
        self.log.add(f"Sending request to {sent.url}" + (" (--aws-endpoint)" if service is not None else ""))
        started = time.monotonic()
        backend = send(
            sent,
            timeout_s=self.integration.timeout_ms / 1000,
            insecure_tls=self.integration.insecure_tls,
            ca_file=ca_file,
        )
        self._log_received(backend, latency_ms=int((time.monotonic() - started) * 1000))
        return backend

    def _function_identity(self) -> FunctionIdentity:
        handler = self.options.handler
        return FunctionIdentity.from_uri(self.integration.uri, handler.module_name if handler else "function")

    def _function_label(self) -> str:
        handler = self.options.handler
        return handler.text if handler is not None else self._function_identity().name

    def _function(self) -> LambdaFunction:
        if self.options.lambda_endpoint is not None:
            return InvokeApiFunction(self.options.lambda_endpoint, self._function_identity())
        if self.options.handler is None:
            raise UsageError(
                f"{self.integration.source}: an {self.integration.type} integration needs a function: a handler "
                "(--handler FILE.py:FUNCTION, or handler: in a case) or --lambda-endpoint URL"
            )
        return LocalHandler(
            self.options.handler,
            self._function_identity(),
            timeout_s=self.options.function_timeout_s or DEFAULT_FUNCTION_TIMEOUT_S,
            environment=self.options.function_environment,
        )

    def _invoke(self, payload: str, *, shown: str | None = None) -> tuple[LambdaReply, int]:
        """Invoke the function with ``payload`` (the log shows ``shown`` instead, if given):
        its reply and how long it took, in ms."""
        function = self._function()
        try:  # as Lambda's Invoke API checks it: any JSON, however long its numbers
            json.loads(payload, parse_int=str)
        except (ValueError, RecursionError) as error:
            raise ExecutionFailed(
                API_CONFIGURATION_ERROR,
                "Execution failed due to configuration error: Could not parse request body into json",
                f"the Lambda payload is not JSON ({error}); Lambda's Invoke API refuses it",
            ) from None
        url = self._function_identity().invoke_url()
        request = self.request
        headers = self._function_identity().request_headers(
            account_id=self._context_text("accountId"),
            api_id=self._context_text("apiId"),
            route=f"{request.stage}/{request.method}{request.resource}",
            trace_id=self._trace_id(),
        )
        self._log_endpoint(EndpointRequest("POST", url, headers, shown or payload))
        self.log.add(f"Sending request to {url}")
        started = time.monotonic()
        reply = function.invoke(payload, request_id=self.request_id, timeout_s=self.integration.timeout_ms / 1000)
        latency_ms = int((time.monotonic() - started) * 1000)
        self.log.add_lines(f"Function {function.name}: ", reply.log)
        return reply, latency_ms

    # -- mapping helpers ----------------------------------------------------------------------

    def _encoded(self, convert: Callable[[], Payload]) -> Payload:
        try:
            return convert()
        except EncodingError as error:
            raise ExecutionFailed(
                API_CONFIGURATION_ERROR,
                "Execution failed due to configuration error: Unable to base64 decode the payload",
                f"{self.integration.source}: contentHandling: {error}",
            ) from None

    def _sources(self, response: Response | None = None) -> MappingSources:
        return MappingSources(self.request, self.scope.context, response)

    def _render(
        self, template: MappingTemplate, *, response: Response | None = None, request_body: str | None = None
    ) -> str:
        compiled = compile_template(template.text, template.name)
        result = render_in_scope(compiled, self.scope, response=response, request_body=request_body)
        self.warnings.extend(result.warnings)
        return result.output

    def _apply_request_overrides(self, parameters: IntegrationParameters) -> None:
        """``$context.requestOverride`` wins over the mappings (spec §6.6)."""
        override = self.scope.request_override
        for name, value in override["header"].items():
            parameters.headers[header_key(parameters.headers, name)] = [str(value)]
        for name, value in override["querystring"].items():
            parameters.query[name] = [str(value)]
        for name, value in override["path"].items():
            parameters.path[name] = str(value)

    def _apply_response_overrides(self, response: Response) -> None:
        """``$context.responseOverride``: the status (100-599, else ignored as LocalStack does;
        unconfirmed) and headers, from either template (spec §5, §6.6)."""
        override = self.scope.response_override
        status = override.get("status")
        if status is not None:
            try:
                number = int(str(status))
            except ValueError:
                number = 0
            if 100 <= number <= 599:
                response.status = number
            else:
                self.warnings.append(f"$context.responseOverride.status {status!r} is not an HTTP status; ignored")
        for name, value in override["header"].items():
            response.headers[header_key(response.headers, str(name))] = [str(value)]

    # -- headers and log ----------------------------------------------------------------------

    def _context_text(self, *keys: str) -> str:
        """A ``$context`` value as header text; a request may have set it to anything."""
        value: Any = self.scope.context
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return "" if value is None else str(value)

    def _check_headers(self, response: Response) -> None:
        """A header that would forge others (a line break from a template or a mapping) is
        refused (unconfirmed how AWS words it)."""
        for name, values in response.headers.items():
            problem = next(filter(None, (header_problem(name, value) for value in values)), None)
            if problem is not None:
                raise ExecutionFailed(
                    API_CONFIGURATION_ERROR,
                    "Execution failed due to configuration error: Invalid header",
                    f"{self.integration.source}: the method response {problem}",
                )

    def _added_headers(self) -> MultiValues:
        """Headers API Gateway adds to what the client sent (proxy integrations, spec §7.1)."""
        return {
            "Host": [self._context_text("domainName")],
            "X-Amzn-Trace-Id": [self._trace_id()],
            "X-Forwarded-For": [self._context_text("identity", "sourceIp")],
            "X-Forwarded-Port": ["443"],
            "X-Forwarded-Proto": ["https"],
        }

    def _trace_id(self) -> str:
        return trace_id(self.options.identity)

    def _log_endpoint(self, endpoint: EndpointRequest) -> None:
        self.log.add(f"Endpoint request URI: {endpoint.url}")
        self.log.add(f"Endpoint request headers: {self.log.headers(endpoint.headers)}")
        self.log.add(f"Endpoint request body after transformations: {endpoint.body}")

    def _log_method_response(self, response: Response) -> None:
        self.log.add(f"Method response body after transformations: {response.body_text()}")
        self.log.add(f"Method response headers: {self.log.headers(response.headers)}")

    def _log_received(self, backend: Response, *, canned: bool = False, latency_ms: int = 0) -> None:
        stand_in = " (a stand-in response: no call made)" if canned else ""
        self.log.add(f"Received response. Status: {backend.status}, Integration latency: {latency_ms} ms{stand_in}")
        self.log.add(f"Endpoint response headers: {self.log.headers(backend.headers)}")
        self.log.add(f"Endpoint response body before transformations: {backend.body_text()}")
