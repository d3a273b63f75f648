"""``apigw routes``: the methods an API definition defines, a line each."""

from __future__ import annotations

from typing import Annotated

import typer

from apigw_cli.cli.options import (
    ApiOption,
    HandlerOption,
    JsonOption,
    ParamOption,
    TracebackOption,
    load_apis,
)

HELP = """List the routes of an API definition: method, resource, integration type, where it
goes (URI, or Lambda function and the local handler that runs it) and its mapping templates.

\b
DEFINITION is an OpenAPI 2.0/3.x document (JSON or YAML, as 'aws apigateway get-export'
writes it) or a SAM/CloudFormation template. Values a template leaves to AWS are shown as
${Name} placeholders, with a warning naming the --param that resolves them.

\b
Examples:
  apigw routes samples/api/openapi.yaml
  apigw routes samples/api/template.yaml --param BackendUrl=http://127.0.0.1:8080 --json
"""


def routes(
    definition: Annotated[
        str, typer.Argument(metavar="DEFINITION", help="OpenAPI document or SAM/CloudFormation template.")
    ],
    api: ApiOption = None,
    param: ParamOption = None,
    handler: HandlerOption = None,
    json_output: JsonOption = False,
    traceback: TracebackOption = False,
) -> None:
    from pathlib import Path

    from apigw_cli import output
    from apigw_cli.definitions.handlers import HandlerMap
    from apigw_cli.definitions.routes import route_table

    table = route_table(load_apis(definition, api, param), HandlerMap.parse(handler or [], Path.cwd()))
    if json_output:
        output.write_json(table.to_json())
    else:
        output.write_routes(table)


def register(app: typer.Typer) -> None:
    app.command(help=HELP, no_args_is_help=True)(routes)
