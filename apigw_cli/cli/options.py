"""Options shared by several commands: the same spelling and meaning everywhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from apigw_cli.errors import ApigwError, UsageError

if TYPE_CHECKING:
    from apigw_cli.definitions.api import Api
    from apigw_cli.integrations.aws_service import AwsEndpoint

#: ``ctx.meta`` key set by ``--traceback`` wherever it is given.
TRACEBACK_KEY = "apigw.traceback"


def _remember_traceback(ctx: typer.Context, value: bool) -> bool:
    if value:
        ctx.meta[TRACEBACK_KEY] = True
    return value


TracebackOption = Annotated[
    bool,
    typer.Option(
        "--traceback",
        callback=_remember_traceback,
        help="On an error, show the Python traceback (for bug reports).",
    ),
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Warnings fail too, not only errors.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of the plain result.")]
WatchOption = Annotated[
    bool, typer.Option("--watch", help="Run again whenever one of the files read changes (Ctrl-C to stop).")
]

REQUEST = "Request (flags override the request file)"

RequestFileOption = Annotated[
    str | None,
    typer.Option(
        "--request", metavar="FILE", help="Request file (YAML/JSON, or a Lambda proxy event).", rich_help_panel=REQUEST
    ),
]
EventFileOption = Annotated[
    str | None,
    typer.Option(
        "--event",
        metavar="FILE",
        help="Read FILE as a Lambda proxy event (payload format 1.0).",
        rich_help_panel=REQUEST,
    ),
]
InputOption = Annotated[
    str | None,
    typer.Option(
        "--input", metavar="FILE", help="Raw body from FILE ('-' for standard input).", rich_help_panel=REQUEST
    ),
]
MethodOption = Annotated[
    str | None, typer.Option("--method", "-X", metavar="METHOD", help="HTTP method.", rich_help_panel=REQUEST)
]
PathOption = Annotated[
    str | None,
    typer.Option("--path", metavar="PATH", help="Request path after the stage, e.g. /pets/7.", rich_help_panel=REQUEST),
]
ResourceOption = Annotated[
    str | None,
    typer.Option(
        "--resource", metavar="RESOURCE", help="Matched resource, e.g. /pets/{petId}.", rich_help_panel=REQUEST
    ),
]
StageOption = Annotated[
    str | None, typer.Option("--stage", metavar="STAGE", help="Stage name (default: test).", rich_help_panel=REQUEST)
]
HeaderOption = Annotated[
    list[str] | None,
    typer.Option(
        "--header",
        "-H",
        metavar="'NAME: VALUE'",
        help="Request header; repeat a name for several values.",
        rich_help_panel=REQUEST,
    ),
]
QueryOption = Annotated[
    list[str] | None,
    typer.Option(
        "--query",
        "-q",
        metavar="NAME=VALUE",
        help="Query string parameter; repeat a name for several values.",
        rich_help_panel=REQUEST,
    ),
]
PathParamOption = Annotated[
    list[str] | None,
    typer.Option("--path-param", "-p", metavar="NAME=VALUE", help="Path parameter.", rich_help_panel=REQUEST),
]
StageVarOption = Annotated[
    list[str] | None,
    typer.Option("--stage-var", "-s", metavar="NAME=VALUE", help="Stage variable.", rich_help_panel=REQUEST),
]
ContextOption = Annotated[
    list[str] | None,
    typer.Option(
        "--context",
        metavar="DOTTED.NAME=VALUE",
        help="Override a $context value, e.g. identity.sourceIp=198.51.100.7 (a VALUE in {} or [] is read as JSON).",
        rich_help_panel=REQUEST,
    ),
]
DeterministicOption = Annotated[
    bool,
    typer.Option(
        "--deterministic",
        help="Fixed request id and time (documented values) instead of fresh ones, for stable golden output.",
        rich_help_panel=REQUEST,
    ),
]
SeedOption = Annotated[
    int | None,
    typer.Option(
        "--seed",
        metavar="N",
        help="Derive the fixed request id and time from N (implies --deterministic).",
        rich_help_panel=REQUEST,
    ),
]


def split_header(flag: str) -> tuple[str, str]:
    """``'Name: value'`` → ``("Name", "value")``."""
    name, separator, value = flag.partition(":")
    if not separator or not name.strip():
        raise UsageError(f"invalid header {flag!r}: expected 'Name: value'")
    return name.strip(), value.strip()


def split_assignment(flag: str, option: str) -> tuple[str, str]:
    """``'name=value'`` → ``("name", "value")``."""
    name, separator, value = flag.partition("=")
    if not separator or not name:
        raise UsageError(f"invalid {option} {flag!r}: expected NAME=VALUE")
    return name, value


def context_value(text: str) -> Any:
    """A ``--context`` value: text, as a request's values are; a JSON object or array when
    it is written as one (``authorizer.claims={"sub":"42"}``)."""
    if text.startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise UsageError(f"invalid --context value {text!r}: {exc}") from None
    return text


def watch_command(watch: bool, run: Callable[[], None], files: Callable[[], list[Path]]) -> None:
    """Run once; with ``--watch``, again after each change of ``files()``, reporting errors
    instead of stopping."""
    if not watch:
        run()
        return
    from apigw_cli import output
    from apigw_cli.watch import watch_files

    def run_reporting_errors() -> None:
        try:
            run()
        except ApigwError as error:
            output.report_error(error)

    watch_files(files, run_reporting_errors, output.announce_rerun)


def watched_files(watch: bool, names: list[str]) -> Callable[[], list[Path]]:
    """The files a ``--watch`` follows; standard input cannot be read again."""
    if watch and "-" in names:
        raise UsageError("--watch needs files: standard input cannot be read again")
    paths = [Path(name) for name in names]
    return lambda: paths


DEFINITION = "API definition (OpenAPI, SAM or CloudFormation)"

ApiOption = Annotated[
    str | None,
    typer.Option(
        "--api",
        metavar="NAME",
        help="The REST API to use when the template defines several (its logical id).",
        rich_help_panel=DEFINITION,
    ),
]
ParamOption = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        metavar="NAME=VALUE",
        help="A template parameter's value, for !Ref and !Sub (repeatable).",
        rich_help_panel=DEFINITION,
    ),
]
HandlerOption = Annotated[
    list[str] | None,
    typer.Option(
        "--handler",
        metavar="[NAME=]FILE.py:FUNCTION",
        help="The local code of Lambda functions: FILE.py:FUNCTION (or module:function) for every function; with "
        "a DEFINITION also NAME=FILE.py:FUNCTION for the function NAME (name, ARN or logical id) or a YAML file "
        "mapping names to handlers (repeatable).",
        rich_help_panel=DEFINITION,
    ),
]

AwsEndpointOption = Annotated[
    str | None,
    typer.Option(
        "--aws-endpoint",
        metavar="URL",
        help="Where AWS service integrations send their signed requests: an AWS-compatible endpoint such as "
        "moto_server or LocalStack (http://127.0.0.1:5000); default: $AWS_ENDPOINT_URL. Without one apigw "
        "calls no AWS service.",
        rich_help_panel="Backend",
    ),
]


def aws_endpoint_choice(option: str | None) -> AwsEndpoint | None:
    """``--aws-endpoint``, else ``AWS_ENDPOINT_URL``; checked only when a service is called."""
    from apigw_cli.integrations.aws_service import AwsEndpoint

    return AwsEndpoint.chosen(option)


def load_api(definition: str, api: str | None, params: list[str] | None) -> Api:
    """The API ``definition`` defines (``--api`` chooses among several), warnings reported."""
    return load_apis(definition, api, params, several=False)[0]


def load_apis(definition: str, api: str | None, params: list[str] | None, *, several: bool = True) -> list[Api]:
    """The APIs ``definition`` defines, or the one ``--api`` names (or the only one, unless
    ``several``), warnings reported."""
    from apigw_cli import output
    from apigw_cli.definitions.load import load_definition

    values = dict(split_assignment(flag, "--param") for flag in params or [])
    loaded = load_definition(definition, values)
    chosen = loaded.selected(api) if several else [loaded.api(api)]
    output.report_warnings(loaded.warnings)
    return chosen
