"""``apigw render``: render a mapping template against a sample request (or response)."""

from __future__ import annotations

from typing import Annotated

import typer

from apigw_cli.cli.inputs import RenderInputs, load_template, render_options
from apigw_cli.cli.options import JsonOption, TracebackOption, WatchOption, watch_command, watched_files

HELP = """Render TEMPLATE as API Gateway does and print exactly the result.

\b
The request comes from --request (a request file or a Lambda proxy event) and the flags,
which override it. With --response, TEMPLATE is an integration response template: $input
is that response (and --input its body), while $context, $stageVariables and
$input.params() still describe the request.

\b
Examples:
  apigw render templates/passthrough.vtl --request samples/create-pet.json
  echo '{"name":"Rex"}' | apigw render templates/create-pet.vtl --input - -H 'Content-Type: application/json'
  apigw render templates/error-mapping.vtl --response samples/backend-404.json --check-json
"""


@render_options
def render(
    template: Annotated[str, typer.Argument(metavar="TEMPLATE", help="Template file, or - for standard input.")],
    inputs: RenderInputs,
    check_json: Annotated[
        bool, typer.Option("--check-json", help="Exit 1 when the output is not valid JSON, showing where.")
    ] = False,
    json_output: JsonOption = False,
    watch: WatchOption = False,
    traceback: TracebackOption = False,
) -> None:
    inputs.check(("TEMPLATE", template))
    files = watched_files(watch, [template, *inputs.files()])

    def run() -> None:
        from apigw_cli import output
        from apigw_cli.render import check_json_output, render_template

        request, response, identity = inputs.load()
        result = render_template(load_template(template), request, response=response, identity=identity)
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
