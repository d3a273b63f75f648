"""``apigw lint``: catch API Gateway template traps before deploy."""

from __future__ import annotations

from typing import Annotated

import typer

from apigw_cli.cli.inputs import ResponseFileOption
from apigw_cli.cli.options import RequestFileOption, StrictOption, TracebackOption
from apigw_cli.errors import CheckFailed, UsageError

HELP = """Find the traps of API Gateway templates: by reading them, and by rendering samples.

\b
PATH is a template, a folder (its .vtl files and API definitions) or an API definition
(every template it keeps). Static rules read the text; dynamic rules render each template
against --request/--response, or else against the cases beside it (the starter library's
samples), and check the output. Silence one place with '## apigw: disable=RULE' on its line
or the line above, a whole file with '## apigw: disable-file=RULE'. The rules are listed
in the README.

\b
Exit 0 when there is no error (and, with --strict, no warning); 1 otherwise.

\b
Examples:
  apigw lint templates/
  apigw lint samples/api/template.yaml --format sarif > lint.sarif
  apigw lint templates/create-pet.vtl --request samples/create-pet.json --strict
"""

FORMATS = ("text", "json", "sarif")


def lint(
    paths: Annotated[list[str], typer.Argument(metavar="PATH...", help="Templates, folders or API definitions.")],
    request_file: RequestFileOption = None,
    response_file: ResponseFileOption = None,
    content_type: Annotated[
        str | None,
        typer.Option(
            "--content-type",
            metavar="TYPE",
            help="What a template's output must parse as (default: what it looks like).",
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", metavar="text|json|sarif", help="How to print the findings.")
    ] = "text",
    strict: StrictOption = False,
    traceback: TracebackOption = False,
) -> None:
    if output_format not in FORMATS:
        raise UsageError(f"--format {output_format!r}: expected one of {', '.join(FORMATS)}")
    from apigw_cli import output
    from apigw_cli.lint.dynamic import Sample
    from apigw_cli.lint.targets import LintOptions, lint_paths
    from apigw_cli.models import Request
    from apigw_cli.samples import read_request_file, read_response_file

    samples = None
    if request_file is not None or response_file is not None:
        request = read_request_file(request_file) if request_file else Request()
        response = read_response_file(response_file) if response_file else None
        samples = [Sample(request, response, request_file or response_file or "")]
    report = lint_paths(paths, LintOptions(samples=samples, content_type=content_type))
    if output_format == "json":
        output.write_json(report.to_json())
    elif output_format == "sarif":
        output.write_json(report.to_sarif())
    else:
        output.write_lint_report(report)
    if report.failed(strict=strict):
        raise CheckFailed("")


def register(app: typer.Typer) -> None:
    app.command(help=HELP, no_args_is_help=True)(lint)
