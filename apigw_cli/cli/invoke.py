"""``apigw invoke``: simulate one call through an integration, end to end."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from apigw_cli.cli.inputs import RequestInputs, request_options
from apigw_cli.cli.options import JsonOption, TracebackOption, WatchOption, watch_command, watched_files
from apigw_cli.errors import CheckFailed, IntegrationError, UsageError

if TYPE_CHECKING:
    from apigw_cli.definitions.integration import Integration

HELP = """Simulate one call through an API Gateway integration, as a deployed API runs it.

\b
The integration comes from --integration FILE (an x-amazon-apigateway-integration object,
or CloudFormation's Integration), or from the shortcuts (--type, --uri, --handler,
--request-template, --response-template), which override the file. The request options are
those of 'apigw render'. Prints the method response like curl -i; --trace prints the
execution log on stderr, step by step, as the console's Test button does.

\b
MOCK needs nothing else. HTTP and HTTP_PROXY call the uri for real, or use --backend-response.
AWS_PROXY and AWS (Lambda) run --handler in a fresh Python process, or call --lambda-endpoint.

\b
Exit 0 when the call ran, whatever its status (--fail-on-status: 1 for a 4xx/5xx); 6 when
the backend failed (unreachable, timed out, crashed): the gateway response AWS gives is
still printed.

\b
Examples:
  apigw invoke --integration samples/integrations/mock-pets.yaml -p petId=7 --trace
  apigw invoke --type aws_proxy --handler samples/handlers/pets.py:proxy -p petId=7 --json
  apigw invoke --integration samples/integrations/http-pets.yaml --request samples/get-pet.json \\
      --backend-response samples/backend-animal.json
"""

#: The integration types and Lambda payload formats; the core's own lists, spelled as
#: OpenAPI writes them (kept here so that --help loads nothing else).
TYPES = ("mock", "http", "http_proxy", "aws", "aws_proxy")
PAYLOAD_FORMATS = ("1.0", "2.0")
#: Lambda's longest function timeout.
MAX_FUNCTION_TIMEOUT_S = 900.0
BACKEND = "Backend"


@request_options(RequestInputs)
def invoke(
    inputs: RequestInputs,
    integration_file: Annotated[
        str | None,
        typer.Option("--integration", metavar="FILE", help="The integration definition (YAML/JSON)."),
    ] = None,
    integration_type: Annotated[
        str | None,
        typer.Option("--type", metavar="TYPE", help="Integration type: mock, http, http_proxy, aws, aws_proxy."),
    ] = None,
    uri: Annotated[
        str | None, typer.Option("--uri", metavar="URI", help="Integration URI (URL or Lambda ARN).")
    ] = None,
    request_template: Annotated[
        str | None,
        typer.Option("--request-template", metavar="FILE", help="The application/json request template."),
    ] = None,
    response_template: Annotated[
        str | None,
        typer.Option(
            "--response-template", metavar="FILE", help="The default integration response's application/json template."
        ),
    ] = None,
    handler: Annotated[
        str | None,
        typer.Option(
            "--handler",
            metavar="FILE.py:FUNCTION",
            help="The Lambda handler to run (or module:function).",
            rich_help_panel=BACKEND,
        ),
    ] = None,
    lambda_endpoint: Annotated[
        str | None,
        typer.Option(
            "--lambda-endpoint",
            metavar="URL",
            help="Call the function through the Lambda Invoke API at URL (sam local start-lambda, LocalStack).",
            rich_help_panel=BACKEND,
        ),
    ] = None,
    backend_response: Annotated[
        str | None,
        typer.Option(
            "--backend-response",
            metavar="FILE",
            help="A response file standing in for the HTTP or AWS service backend (no network call).",
            rich_help_panel=BACKEND,
        ),
    ] = None,
    payload_format: Annotated[
        str | None,
        typer.Option(
            "--payload-format",
            metavar="1.0|2.0",
            help="Lambda proxy event format (2.0: as HTTP APIs send it).",
            rich_help_panel=BACKEND,
        ),
    ] = None,
    function_timeout: Annotated[
        float,
        typer.Option(
            "--function-timeout",
            metavar="SECONDS",
            help="The function's own timeout (Lambda's default: 3; at most 900).",
            rich_help_panel=BACKEND,
        ),
    ] = 3.0,
    binary_media_types: Annotated[
        list[str] | None,
        typer.Option(
            "--binary-media-type",
            metavar="TYPE",
            help="The API's binaryMediaTypes (repeatable; wildcards allowed).",
            rich_help_panel=BACKEND,
        ),
    ] = None,
    trace: Annotated[bool, typer.Option("--trace", help="Print the execution log on stderr.")] = False,
    show_secrets: Annotated[
        bool,
        typer.Option(
            "--show-secrets", help="Show Authorization and X-Api-Key values in the log instead of masking them."
        ),
    ] = False,
    fail_on_status: Annotated[
        bool, typer.Option("--fail-on-status", help="Exit 1 when the method response status is 4xx or 5xx.")
    ] = False,
    json_output: JsonOption = False,
    watch: WatchOption = False,
    traceback: TracebackOption = False,
) -> None:
    if integration_file is None and integration_type is None:
        raise UsageError("give --integration FILE or --type TYPE")
    if integration_type is not None and integration_type.lower() not in TYPES:
        raise UsageError(f"--type {integration_type!r}: expected one of {', '.join(TYPES)}")
    if payload_format is not None and payload_format not in PAYLOAD_FORMATS:
        raise UsageError(f"--payload-format {payload_format!r}: expected 1.0 or 2.0")
    if not 0.001 <= function_timeout <= MAX_FUNCTION_TIMEOUT_S:  # NaN too
        raise UsageError(f"--function-timeout {function_timeout}: expected seconds from 0.001 to 900 (Lambda's limit)")
    if handler is not None and lambda_endpoint is not None:
        raise UsageError("--handler and --lambda-endpoint are alternatives; give one")
    inputs.check(
        ("--integration", integration_file),
        ("--request-template", request_template),
        ("--response-template", response_template),
        ("--backend-response", backend_response),
    )
    own_files = [integration_file, request_template, response_template, backend_response]
    handler_file = handler.rpartition(":")[0] if handler and handler.rpartition(":")[0].endswith(".py") else None
    files = watched_files(watch, [*inputs.files(), *(name for name in (*own_files, handler_file) if name)])

    def load_integration() -> Integration:
        from apigw_cli.definitions.integration import Integration, MappingTemplate, load_integration
        from apigw_cli.documents import read_text

        if integration_file is not None:
            integration = load_integration(integration_file)
        else:
            integration = Integration(type=(integration_type or "").upper(), source="the command line")
        integration = integration.with_overrides(
            type=integration_type.upper() if integration_type else None, uri=uri, payload_format=payload_format
        )
        if request_template is not None:
            text = read_text(request_template, what="template")
            integration.request_templates = {"application/json": MappingTemplate(text, request_template)}
        if response_template is not None:
            text = read_text(response_template, what="template")
            response = integration.ensure_default_response()
            response.templates = {"application/json": MappingTemplate(text, response_template)}
        # A quick try without a file needs no mappings or responses written out.
        return integration if integration_file is not None else integration.with_console_defaults()

    def run() -> None:
        from apigw_cli import output
        from apigw_cli.integrations.lambda_ import HandlerSpec
        from apigw_cli.invoke import InvokeOptions
        from apigw_cli.invoke import invoke as simulate
        from apigw_cli.samples import read_response_file

        integration = load_integration()
        request = inputs.load_request(body=inputs.read_input())
        options = InvokeOptions(
            identity=inputs.identity(),
            frozen_clock=inputs.deterministic_run,
            handler=HandlerSpec.parse(handler, Path.cwd()) if handler else None,
            lambda_endpoint=lambda_endpoint,
            function_timeout_s=function_timeout,
            backend_response=read_response_file(backend_response) if backend_response else None,
            binary_media_types=tuple(binary_media_types or ()),
            reveal_secrets=show_secrets,
        )
        result = simulate(integration, request, options)
        output.report_warnings(result.warnings)
        if json_output:
            output.write_json(result.to_json())
        else:
            output.write_http_response(result.response)
        if trace:  # after the response, as the console's test panel shows its log
            output.write_trace(result.log)
        if result.failure is not None:
            raise IntegrationError(f"{result.failure} (AWS answers {result.response.status})")
        if fail_on_status and result.response.status >= 400:
            raise CheckFailed(f"the method response status is {result.response.status}")

    watch_command(watch, run, files)


def register(app: typer.Typer) -> None:
    app.command(help=HELP)(invoke)
