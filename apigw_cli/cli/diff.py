"""``apigw diff``: render a template and compare the result with an expected file, or with
what another template renders from the same request."""

from __future__ import annotations

from typing import Annotated

import typer

from apigw_cli.cli.inputs import RenderInputs, load_template, render_options
from apigw_cli.cli.options import JsonOption, TracebackOption, WatchOption, watch_command, watched_files
from apigw_cli.errors import CheckFailed, UsageError

HELP = """Render TEMPLATE and compare the output with --expected FILE, or with what --against
OTHER_TEMPLATE renders from the same request.

\b
Two JSON documents compare by structure (key order and spacing ignored) and each
difference is named by its JSON path; two XML documents compare as canonical trees
(namespaces, not prefixes; attributes unordered); anything else line by line. --strict
makes JSON and XML text count too.
Exit 0 when equal, 1 when different.

\b
Examples:
  apigw diff templates/create-pet.vtl --request samples/create-pet.json --expected samples/create-pet.golden.json
  apigw diff templates/create-pet.vtl --against templates/passthrough.vtl --request samples/create-pet.json
"""


@render_options
def diff(
    template: Annotated[str, typer.Argument(metavar="TEMPLATE", help="Template file, or - for standard input.")],
    inputs: RenderInputs,
    expected: Annotated[
        str | None, typer.Option("--expected", metavar="FILE", help="The output TEMPLATE should give.")
    ] = None,
    against: Annotated[
        str | None,
        typer.Option("--against", metavar="OTHER_TEMPLATE", help="Compare with what this template renders."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="JSON/XML: key order and spacing count too.")] = False,
    json_output: JsonOption = False,
    watch: WatchOption = False,
    traceback: TracebackOption = False,
) -> None:
    if (expected is None) == (against is None):
        raise UsageError("give --expected FILE or --against OTHER_TEMPLATE (one of them)")
    inputs.check(("TEMPLATE", template), ("--against", against), ("--expected", expected))
    files = watched_files(watch, [template, *inputs.files(), *(name for name in (expected, against) if name)])

    def run() -> None:
        from apigw_cli import output
        from apigw_cli.diff import compare_outputs
        from apigw_cli.documents import read_text
        from apigw_cli.render import render_template

        request, response, identity = inputs.load()
        actual = render_template(load_template(template), request, response=response, identity=identity)
        output.report_warnings(actual.warnings)
        if against is not None:
            other = render_template(load_template(against), request, response=response, identity=identity)
            output.report_warnings(other.warnings)
            expected_text, expected_name = other.output, against
        else:
            assert expected is not None
            expected_text, expected_name = read_text(expected, what="expected file"), expected
        result = compare_outputs(
            actual.output, expected_text, strict=strict, actual_name=template, expected_name=expected_name
        )
        if json_output:
            output.write_json(result.to_json())
        else:
            output.write_diff(result)
        if not result.equal:
            raise CheckFailed("")  # the diff is the message, as with diff(1)

    watch_command(watch, run, files)


def register(app: typer.Typer) -> None:
    app.command(help=HELP, no_args_is_help=True)(diff)
