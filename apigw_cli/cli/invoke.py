"""``apigw invoke``: simulate one call through an integration, end to end."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from apigw_cli.cli.inputs import RequestInputs, request_options
from apigw_cli.cli.options import (
    ApiOption,
    AwsEndpointOption,
    HandlerOption,
    JsonOption,
    ParamOption,
    TracebackOption,
    WatchOption,
    aws_endpoint_choice,
    load_api,
    watch_command,
    watched_files,
)
from apigw_cli.errors import CheckFailed, IntegrationError, UsageError

if TYPE_CHECKING:
    from apigw_cli.definitions.integration import Integration
    from apigw_cli.invoke import InvokeOptions
    from apigw_cli.models import InvokeResult

HELP = """Simulate one call through an API Gateway integration, as a deployed API runs it.

\b
With DEFINITION (an OpenAPI document or a SAM/CloudFormation template), METHOD and PATH are
routed as API Gateway routes them (literal segments before {param}, greedy {proxy+}, ANY);
no route gives AWS's 403. --stage takes the stage's variables from the definition, and the
template's Lambda functions run their own Python code unless --handler maps them.

\b
Without a definition, the integration comes from --integration FILE (an
x-amazon-apigateway-integration object, or CloudFormation's Integration), or from the
shortcuts (--type, --uri, --handler, --request-template, --response-template), which
override the file. The request options are those of 'apigw render'. Prints the method
response like curl -i; --trace prints the execution log on stderr, step by step, as the
console's Test button does.

\b
MOCK needs nothing else. HTTP and HTTP_PROXY call the uri for real, or use --backend-response.
AWS_PROXY and AWS (Lambda) run --handler in a fresh Python process, or call --lambda-endpoint.
AWS service integrations (DynamoDB, SQS, S3, Kinesis, Step Functions, SNS...) send their
request, signed with SigV4 from the standard credential chain, to --aws-endpoint (moto_server,
LocalStack), never to AWS unless you name it; or use --backend-response.

\b
Exit 0 when the call ran, whatever its status (--fail-on-status: 1 for a 4xx/5xx); 6 when
the backend failed (unreachable, timed out, crashed): the gateway response AWS gives is
still printed.

\b
Examples:
  apigw invoke samples/api/openapi.yaml GET /pets/7 --handler samples/api/handlers.yaml --trace
  apigw invoke samples/api/template.yaml POST /pets --input samples/api/new-pet.json -H 'Content-Type: application/json'
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
    definition: Annotated[
        str | None,
        typer.Argument(
            metavar="DEFINITION", help="OpenAPI document or SAM/CloudFormation template.", show_default=False
        ),
    ] = None,
    route_method: Annotated[
        str | None, typer.Argument(metavar="METHOD", help="HTTP method (default: the request's).", show_default=False)
    ] = None,
    route_path: Annotated[
        str | None,
        typer.Argument(
            metavar="PATH", help="Path after the stage, with any ?query (default: the request's).", show_default=False
        ),
    ] = None,
    api: ApiOption = None,
    param: ParamOption = None,
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
    handler: HandlerOption = None,
    lambda_endpoint: Annotated[
        str | None,
        typer.Option(
            "--lambda-endpoint",
            metavar="URL",
            help="Call the function through the Lambda Invoke API at URL (sam local start-lambda, LocalStack).",
            rich_help_panel=BACKEND,
        ),
    ] = None,
    aws_endpoint: AwsEndpointOption = None,
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
        float | None,
        typer.Option(
            "--function-timeout",
            metavar="SECONDS",
            help="The function's own timeout (default: the template's Timeout, else Lambda's 3; at most 900).",
            rich_help_panel=BACKEND,
        ),
    ] = None,
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
    shortcuts = {"--integration": integration_file, "--type": integration_type, "--uri": uri,
                 "--request-template": request_template, "--response-template": response_template,
                 "--payload-format": payload_format}  # fmt: skip
    if definition is not None:
        given = [flag for flag, value in shortcuts.items() if value is not None]
        if given:
            raise UsageError(f"{given[0]} describes an integration; with a DEFINITION the route's own is used")
        routed = {"--method": inputs.method, "--path": inputs.path, "--resource": inputs.resource,
                  "--path-param": inputs.path_param}  # fmt: skip
        overridden = [flag for flag, value in routed.items() if value]
        if route_path is not None and overridden:
            raise UsageError(f"{overridden[0]}: with a DEFINITION, METHOD and PATH say what the route gets")
        if route_path is None and inputs.request_file is None and inputs.event_file is None:
            raise UsageError("give METHOD and PATH after the DEFINITION (or a --request file that has them)")
    else:
        if integration_file is None and integration_type is None:
            raise UsageError("give a DEFINITION METHOD PATH, --integration FILE or --type TYPE")
        if api is not None or param:
            raise UsageError("--api and --param choose from a DEFINITION; give one")
        if len(handler or []) > 1 or any("=" in item.partition(":")[0] for item in handler or []):
            raise UsageError("one --handler FILE.py:FUNCTION; naming functions (NAME=...) needs a DEFINITION")
    if integration_type is not None and integration_type.lower() not in TYPES:
        raise UsageError(f"--type {integration_type!r}: expected one of {', '.join(TYPES)}")
    if payload_format is not None and payload_format not in PAYLOAD_FORMATS:
        raise UsageError(f"--payload-format {payload_format!r}: expected 1.0 or 2.0")
    if function_timeout is not None and not 0.001 <= function_timeout <= MAX_FUNCTION_TIMEOUT_S:  # NaN too
        raise UsageError(f"--function-timeout {function_timeout}: expected seconds from 0.001 to 900 (Lambda's limit)")
    if handler and lambda_endpoint is not None:
        raise UsageError("--handler and --lambda-endpoint are alternatives; give one")
    inputs.check(
        ("DEFINITION", definition),
        ("--integration", integration_file),
        ("--request-template", request_template),
        ("--response-template", response_template),
        ("--backend-response", backend_response),
    )
    own_files = [definition, integration_file, request_template, response_template, backend_response]
    handler_files = [item.rpartition("=")[2].rpartition(":")[0] for item in handler or []]
    handler_files = [name for name in handler_files if name.endswith(".py")]
    files = watched_files(watch, [*inputs.files(), *(name for name in own_files if name), *handler_files])

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

    def simulate(options: InvokeOptions) -> InvokeResult:
        from apigw_cli.definitions.handlers import HandlerMap
        from apigw_cli.integrations.lambda_ import HandlerSpec
        from apigw_cli.invoke import invoke
        from apigw_cli.routing import invoke_route

        request = inputs.load_request(body=inputs.read_input())
        if definition is None:
            spec = HandlerSpec.parse(handler[0], Path.cwd()) if handler else None
            return invoke(load_integration(), request, replace(options, handler=spec))
        chosen = load_api(definition, api, param)
        request = chosen.routed(request, route_method, route_path, inputs.stage)
        return invoke_route(chosen, request, options, HandlerMap.parse(handler or [], Path.cwd()))

    def run() -> None:
        from apigw_cli import output
        from apigw_cli.invoke import InvokeOptions
        from apigw_cli.samples import read_response_file

        options = InvokeOptions(
            identity=inputs.identity(),
            frozen_clock=inputs.deterministic_run,
            lambda_endpoint=lambda_endpoint,
            aws_endpoint=aws_endpoint_choice(aws_endpoint),
            function_timeout_s=function_timeout,
            backend_response=read_response_file(backend_response) if backend_response else None,
            binary_media_types=tuple(binary_media_types or ()),
            reveal_secrets=show_secrets,
        )
        result = simulate(options)
        output.report_warnings(result.warnings)
        if json_output:
            output.write_json(result.to_json())
        else:
            output.write_http_response(result.response)
        if trace:  # after the response, as the console's test panel shows its log
            body = result.response.body_text()
            output.write_trace(result.log, after_partial_line=not json_output and not body.endswith("\n"))
        if result.failure is not None:
            raise IntegrationError(f"{result.failure} (AWS answers {result.response.status})")
        if fail_on_status and result.response.status >= 400:
            raise CheckFailed(f"the method response status is {result.response.status}")

    watch_command(watch, run, files)


def register(app: typer.Typer) -> None:
    app.command(help=HELP)(invoke)
