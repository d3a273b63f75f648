"""``apigw render``: render a mapping template against a sample request (or response)."""

from __future__ import annotations

from typing import Annotated

import typer

from apigw_cli.cli.options import (
    ContextOption,
    DeterministicOption,
    EventFileOption,
    HeaderOption,
    InputOption,
    JsonOption,
    MethodOption,
    PathOption,
    PathParamOption,
    QueryOption,
    RequestFileOption,
    ResourceOption,
    SeedOption,
    StageOption,
    StageVarOption,
    TracebackOption,
    context_value,
    split_assignment,
    split_header,
)
from apigw_cli.errors import UsageError

HELP = """Render TEMPLATE as API Gateway does and print exactly the result.

\b
The request comes from --request (a request file or a Lambda proxy event) and the flags,
which override it. With --response, TEMPLATE is an integration response template: $input
is that response, while $context, $stageVariables and $input.params() still describe the
request.

\b
Examples:
  apigw render templates/passthrough.vtl --request samples/create-pet.json
  echo '{"name":"Rex"}' | apigw render t.vtl --input - -H 'Content-Type: application/json'
  apigw render errors.vtl --response samples/backend-404.json --check-json
"""


def render(
    template: Annotated[str, typer.Argument(metavar="TEMPLATE", help="Template file, or - for standard input.")],
    request_file: RequestFileOption = None,
    event_file: EventFileOption = None,
    input_file: InputOption = None,
    response_file: Annotated[
        str | None,
        typer.Option("--response", metavar="FILE", help="Render as a response template for this backend response."),
    ] = None,
    method: MethodOption = None,
    path: PathOption = None,
    resource: ResourceOption = None,
    stage: StageOption = None,
    header: HeaderOption = None,
    query: QueryOption = None,
    path_param: PathParamOption = None,
    stage_var: StageVarOption = None,
    context: ContextOption = None,
    deterministic: DeterministicOption = False,
    seed: SeedOption = None,
    check_json: Annotated[
        bool, typer.Option("--check-json", help="Exit 1 when the output is not valid JSON, showing where.")
    ] = False,
    json_output: JsonOption = False,
    traceback: TracebackOption = False,
) -> None:
    from apigw_cli import output
    from apigw_cli.documents import read_text
    from apigw_cli.models import Request
    from apigw_cli.render import check_json_output, render_template
    from apigw_cli.samples import RequestFlags, apply_flags, read_request_file, read_response_file
    from apigw_cli.vtl.context import Identity
    from apigw_cli.vtl.engine import compile_template

    stdin_readers = [
        label
        for label, value in (("TEMPLATE", template), ("--input", input_file), ("--request", request_file),
                             ("--event", event_file), ("--response", response_file))
        if value == "-"
    ]  # fmt: skip
    if len(stdin_readers) > 1:
        raise UsageError(f"{' and '.join(stdin_readers)} cannot share standard input; give files for all but one")
    if request_file and event_file:
        raise UsageError("--request and --event are alternatives; give one")

    source = read_text(template, what="template")
    template_name = "<stdin>" if template == "-" else template
    body = read_text(input_file, what="input file") if input_file is not None else None

    request_path = request_file or event_file
    request = read_request_file(request_path, as_event=bool(event_file)) if request_path else Request()
    flags = RequestFlags(
        method=method,
        path=path,
        resource=resource,
        stage=stage,
        headers=[split_header(flag) for flag in header or []],
        query=[split_assignment(flag, "--query") for flag in query or []],
        path_parameters=[split_assignment(flag, "--path-param") for flag in path_param or []],
        stage_variables=[split_assignment(flag, "--stage-var") for flag in stage_var or []],
        context=[
            (name, context_value(value))
            for name, value in (split_assignment(flag, "--context") for flag in context or [])
        ],
        body=body if response_file is None else None,
    )
    request = apply_flags(request, flags)
    response = read_response_file(response_file) if response_file else None
    if response is not None and body is not None:
        response.body, response.is_base64_encoded = body, False

    identity = Identity.deterministic(seed) if deterministic or seed is not None else Identity.fresh()
    result = render_template(compile_template(source, template_name), request, response=response, identity=identity)

    output.report_warnings(result.warnings)
    if json_output:
        output.write_json(result.to_json())
    else:
        output.write_payload(result.output)
    if check_json:
        check_json_output(result.output)


def register(app: typer.Typer) -> None:
    app.command(help=HELP, no_args_is_help=True)(render)
