"""The ``apigw`` command: a thin Typer layer over the library, and its one error boundary.

Commands parse options, call one core function and hand the result to a presenter
(:mod:`apigw_cli.output`). Errors are turned into a message and an exit code here only.
Heavy modules (the engine, YAML, Rich) are imported inside the commands that use them, so
``apigw --help`` stays as fast as a bare Typer app.
"""

from __future__ import annotations

import gc
import sys
from typing import Annotated, Any

import typer
from typer._click.core import Context
from typer.core import TyperGroup

from apigw_cli import __version__
from apigw_cli.cli.options import TRACEBACK_KEY, TracebackOption
from apigw_cli.errors import ApigwError, ExitStatus

EXIT_CODES_HELP = "\n".join(
    ["\b", "Exit codes:"]
    + [
        f"  {status.value:>3}  {text}"
        for status, text in (
            (ExitStatus.OK, "success"),
            (
                ExitStatus.DIFFERENT,
                "a check failed: diff found differences, a test case failed, lint or check found errors, "
                "--check-json, --fail-on-status, --fail-on-fault",
            ),
            (ExitStatus.USAGE, "bad usage: options or arguments"),
            (ExitStatus.INPUT, "a file could not be read or parsed, or the output written"),
            (ExitStatus.TEMPLATE, "template syntax or render error"),
            (ExitStatus.SANDBOX, "the template hit the sandbox or a render limit"),
            (ExitStatus.INTEGRATION, "invoke: the backend failed (AWS's gateway response is still printed)"),
            (ExitStatus.INTERNAL, "internal error (a bug in apigw; rerun with --traceback)"),
            (ExitStatus.INTERRUPTED, "interrupted"),
        )
    ]
)


class ApigwGroup(TyperGroup):
    """Runs a command inside the error boundary (also under ``typer.testing.CliRunner``)."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except ApigwError as error:
            if ctx.meta.get(TRACEBACK_KEY):
                raise
            from apigw_cli.output import report_error

            if error.message:  # a failed check whose result was already shown says no more
                report_error(error)
            ctx.exit(error.exit_status)
        except KeyboardInterrupt:
            sys.stderr.write("apigw: interrupted\n")
            ctx.exit(ExitStatus.INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`apigw render ... | head -c 10`): nothing more to say.
            _silence_stdout()
            ctx.exit(ExitStatus.OK)
        except OSError as exc:
            if exc.filename is not None or not _is_output_error(exc):
                raise
            sys.stderr.write(f"apigw: error: cannot write the output: {exc.strerror or exc}\n")
            ctx.exit(ExitStatus.INPUT)
        except (typer.Exit, typer.Abort, typer._click.exceptions.ClickException):
            raise
        except Exception as exc:
            if ctx.meta.get(TRACEBACK_KEY):
                raise
            sys.stderr.write(
                f"apigw: internal error: {type(exc).__name__}: {exc}\n"
                "hint: this is a bug in apigw; rerun with --traceback and report it\n"
            )
            ctx.exit(ExitStatus.INTERNAL)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _is_output_error(exc: OSError) -> bool:
    import errno

    return exc.errno in (errno.EBADF, errno.EPIPE, errno.ENOSPC, errno.EIO)


#: The commands, in the order --help lists them; each module has ``register(app)``.
COMMANDS = ("render", "diff", "test", "lint", "check", "invoke", "routes", "soap", "templates")


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"apigw {__version__}\n")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
    traceback: TracebackOption = False,
) -> None:
    """Options that apply to every command."""


def build_app(commands: tuple[str, ...] = COMMANDS) -> typer.Typer:
    """The ``apigw`` application with ``commands`` (each imported and registered here)."""
    from importlib import import_module

    application = typer.Typer(
        cls=ApigwGroup,
        name="apigw",
        help="A workbench for Amazon API Gateway REST integrations: render VTL mapping templates exactly as AWS "
        "does, check them against golden cases, and simulate whole integration calls.",
        epilog=EXIT_CODES_HELP,
        rich_markup_mode=None,
        add_completion=False,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    application.callback()(_root)
    for name in commands:
        import_module(f"apigw_cli.cli.{name}").register(application)
    groups = (group.typer_instance for group in application.registered_groups if group.typer_instance)
    for typer_app in (application, *groups):
        for info in [*typer_app.registered_commands, typer_app.registered_callback]:
            if info is not None and info.callback is not None:
                _resolve_annotations(info.callback)
    return application


def _resolve_annotations(function: Any) -> None:
    """Evaluate a command's annotations (strings, under ``from __future__ import annotations``)
    once: Typer reads them three times per command, on every start."""
    from typing import get_type_hints

    function.__annotations__ = get_type_hints(function, include_extras=True)


def _named_command(arguments: list[str]) -> str | None:
    """The command the arguments run, when they name one after the root's flags (asking for
    help or the version before it needs every command)."""
    for argument in arguments:
        if argument in ("-h", "--help", "--version"):
            return None
        if not argument.startswith("-"):
            return argument if argument in COMMANDS else None
    return None


def __getattr__(name: str) -> Any:
    """``app``: the whole application, built on first use (for tests and ``python -m``)."""
    if name == "app":
        application = globals()["app"] = build_app()
        return application
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """The ``apigw`` console script. A run of one command builds only that command: the
    others' modules are not imported (``--help`` and mistakes get them all)."""
    command = _named_command(sys.argv[1:])
    try:
        build_app((command,) if command is not None else COMMANDS)(prog_name="apigw")
    finally:
        # The process ends here: its objects need not be scanned by the collections the
        # interpreter runs while it shuts down (a tenth of a small render's run).
        gc.freeze()
