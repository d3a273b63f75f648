"""``apigw render``: render a mapping template against a sample request (or response)."""

from __future__ import annotations

from typing import Annotated

import typer

from apigw_cli.cli.inputs import RenderInputs, load_template, render_options
from apigw_cli.cli.options import (
    DEFINITION,
    ApiOption,
    JsonOption,
    ParamOption,
    TracebackOption,
    WatchOption,
    load_api,
    watch_command,
    watched_files,
)
from apigw_cli.errors import UsageError

HELP = """Render TEMPLATE as API Gateway does and print exactly the result.

\b
The request comes from --request (a request file or a Lambda proxy event) and the flags,
which override it. With --response, TEMPLATE is an integration response template: $input
is that response (and --input its body), while $context, $stageVariables and
$input.params() still describe the request.

\b
With --route 'METHOD PATH', the first argument is an API definition (OpenAPI, SAM or
CloudFormation) and the template is the one stored for that route: its request template for
--content-type (default: the request's Content-Type), or with --for-status CODE that
integration response's template for --content-type (default: the request's Accept).

\b
Examples:
  apigw render templates/passthrough.vtl --request samples/create-pet.json
  echo '{"name":"Rex"}' | apigw render templates/create-pet.vtl --input - -H 'Content-Type: application/json'
  apigw render templates/error-mapping.vtl --response samples/backend-404.json --check-json
  apigw render samples/api/template.yaml --route 'GET /pets/{petId}' -p petId=7
"""


@render_options
def render(
    template: Annotated[
        str,
        typer.Argument(metavar="TEMPLATE", help="Template file, or - for standard input; with --route, a definition."),
    ],
    inputs: RenderInputs,
    route: Annotated[
        str | None,
        typer.Option(
            "--route",
            metavar="'METHOD PATH'",
            help="Render the template TEMPLATE (a definition) keeps for this route.",
            rich_help_panel=DEFINITION,
        ),
    ] = None,
    content_type: Annotated[
        str | None,
        typer.Option(
            "--content-type",
            metavar="TYPE",
            help="With --route: which template (request or response) to render.",
            rich_help_panel=DEFINITION,
        ),
    ] = None,
    for_status: Annotated[
        int | None,
        typer.Option(
            "--for-status",
            metavar="CODE",
            help="With --route: that integration response's template.",
            rich_help_panel=DEFINITION,
        ),
    ] = None,
    api: ApiOption = None,
    param: ParamOption = None,
    check_json: Annotated[
        bool, typer.Option("--check-json", help="Exit 1 when the output is not valid JSON, showing where.")
    ] = False,
    json_output: JsonOption = False,
    watch: WatchOption = False,
    traceback: TracebackOption = False,
) -> None:
    inputs.check(("TEMPLATE", template))
    if route is None and (content_type is not None or for_status is not None or api is not None or param):
        raise UsageError("--content-type, --for-status, --api and --param choose a template with --route")
    if route is not None and inputs.response_file is not None and for_status is None:
        raise UsageError("--response with --route renders an integration response's template: give --for-status CODE")
    files = watched_files(watch, [template, *inputs.files()])

    def run() -> None:
        from apigw_cli import output
        from apigw_cli.render import check_json_output, render_template

        request, response, identity = inputs.load()
        if route is None:
            compiled = load_template(template)
        else:
            from apigw_cli.definitions.routes import route_template
            from apigw_cli.vtl.engine import compile_template

            found = route_template(
                load_api(template, api, param), route, request, stage=inputs.stage,
                content_type=content_type, status=for_status, response=response,
            )  # fmt: skip
            output.report_warnings(found.warnings)
            request, response = found.request, found.response
            compiled = compile_template(found.template.text, found.template.name)
        result = render_template(compiled, request, response=response, identity=identity)
        output.report_warnings(result.warnings)
        if json_output:
            output.write_json(result.to_json())
        else:
            output.write_payload(result.output)
        if check_json:
            check_json_output(result.output)

    watch_command(watch, run, files)


def register(app: typer.Typer) -> None:
    app.command(help=HELP, no_args_is_help=True)(render)
