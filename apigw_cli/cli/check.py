"""``apigw check``: a whole-API audit of an API definition, offline."""

from __future__ import annotations

from typing import Annotated

import typer

from apigw_cli.cli.options import ApiOption, JsonOption, ParamOption, StrictOption, TracebackOption, load_apis
from apigw_cli.errors import CheckFailed

HELP = """Audit every method of an API definition (OpenAPI export, SAM or CloudFormation), offline.

\b
For every method, content type and response: lint its templates, render them against the
definition's examples (or payloads made from its schemas), validate the method responses
against the API's models (JSON Schema draft 4), and flag passthrough settings that answer
415, integration responses no status reaches and selection patterns that shadow each other.
Prints one line per method, then the findings; --json and --junit FILE for CI.

\b
Exit 0 when there is no error (and, with --strict, no warning); 1 otherwise.

\b
Examples:
  apigw check samples/api/openapi.yaml
  apigw check samples/api/template.yaml --junit check.xml --strict
"""


def check(
    definition: Annotated[
        str, typer.Argument(metavar="DEFINITION", help="OpenAPI document or SAM/CloudFormation template.")
    ],
    api: ApiOption = None,
    param: ParamOption = None,
    junit: Annotated[
        str | None, typer.Option("--junit", metavar="FILE", help="Also write the results as JUnit XML.")
    ] = None,
    strict: StrictOption = False,
    json_output: JsonOption = False,
    traceback: TracebackOption = False,
) -> None:
    from apigw_cli import output
    from apigw_cli.lint.check import check_api, junit_document

    reports = [check_api(item) for item in load_apis(definition, api, param)]
    if junit is not None:
        output.write_file(junit, junit_document(reports, strict=strict))
    if json_output:
        output.write_json({"apis": [report.to_json() for report in reports]})
    else:
        for report in reports:
            output.write_check_report(report)
    if any(report.failed(strict=strict) for report in reports):
        raise CheckFailed("")


def register(app: typer.Typer) -> None:
    app.command(help=HELP, no_args_is_help=True)(check)
