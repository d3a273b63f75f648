"""``apigw templates``: the starter library, to list and to copy from."""

from __future__ import annotations

from typing import Annotated

import typer

from apigw_cli.cli.options import JsonOption, TracebackOption

templates_app = typer.Typer(
    help="List the starter templates, or print one (apigw templates show NAME) to copy into a project.",
    invoke_without_command=True,
    rich_markup_mode=None,
)


@templates_app.callback()
def list_command(ctx: typer.Context, json_output: JsonOption = False, traceback: TracebackOption = False) -> None:
    """List the starter templates, one line each."""
    if ctx.invoked_subcommand is not None:
        return
    from apigw_cli import output
    from apigw_cli.starter import list_templates

    templates = list_templates()
    if json_output:
        output.write_json([{"name": item.name, "summary": item.summary} for item in templates])
        return
    width = max(len(item.name) for item in templates)
    output.write_styled([(f"{item.name:<{width}}  {item.summary}", "") for item in templates], output.Streams())


@templates_app.command("show")
def show(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A name from 'apigw templates'.")],
    traceback: TracebackOption = False,
) -> None:
    """Print the starter template NAME exactly, to copy into a project."""
    from apigw_cli import output
    from apigw_cli.starter import find_template

    output.write_payload(find_template(name).path.read_text(encoding="utf-8"))


def register(app: typer.Typer) -> None:
    app.add_typer(templates_app, name="templates")
