"""The request options (request file, body, flags), shared by ``render``, ``diff`` and
``invoke``; ``render`` and ``diff`` add ``--response``.

``@request_options(RequestInputs)`` adds them to a command's signature and hands the command
one inputs object, so every command spells and reads them the same way.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from typing import TYPE_CHECKING, Annotated, Any, get_type_hints

import typer

from apigw_cli.cli.options import (
    ContextOption,
    DeterministicOption,
    EventFileOption,
    HeaderOption,
    InputOption,
    MethodOption,
    PathOption,
    PathParamOption,
    QueryOption,
    RequestFileOption,
    ResourceOption,
    SeedOption,
    StageOption,
    StageVarOption,
    context_value,
    split_assignment,
    split_header,
)
from apigw_cli.errors import UsageError

if TYPE_CHECKING:
    from apigw_cli.models import Request, Response
    from apigw_cli.vtl.context import Identity
    from apigw_cli.vtl.engine import Template

ResponseFileOption = Annotated[
    str | None,
    typer.Option("--response", metavar="FILE", help="Render as a response template for this backend response."),
]


@dataclass
class RequestInputs:
    """The request options as given on the command line."""

    request_file: RequestFileOption = None
    event_file: EventFileOption = None
    input_file: InputOption = None
    method: MethodOption = None
    path: PathOption = None
    resource: ResourceOption = None
    stage: StageOption = None
    header: HeaderOption = None
    query: QueryOption = None
    path_param: PathParamOption = None
    stage_var: StageVarOption = None
    context: ContextOption = None
    deterministic: DeterministicOption = False
    seed: SeedOption = None

    def files(self) -> list[str]:
        """The files these options read (for ``--watch``)."""
        named = (self.request_file, self.event_file, self.input_file)
        return [name for name in named if name is not None and name != "-"]

    def check(self, *others: tuple[str, str | None]) -> None:
        """Refuse contradictory options before reading anything; ``others`` are the command's
        own (label, file) pairs that may read standard input."""
        readers = [
            *others,
            ("--input", self.input_file),
            ("--request", self.request_file),
            ("--event", self.event_file),
        ]
        stdin_readers = [label for label, value in readers if value == "-"]
        if len(stdin_readers) > 1:
            raise UsageError(f"{' and '.join(stdin_readers)} cannot share standard input; give files for all but one")
        if self.request_file and self.event_file:
            raise UsageError("--request and --event are alternatives; give one")

    def load_request(self, *, body: str | None = None) -> Request:
        """The request: the file, then the flags; ``body`` replaces the file's body."""
        from apigw_cli.models import Request
        from apigw_cli.samples import RequestFlags, apply_flags, read_request_file

        request_path = self.request_file or self.event_file
        request = read_request_file(request_path, as_event=bool(self.event_file)) if request_path else Request()
        flags = RequestFlags(
            method=self.method,
            path=self.path,
            resource=self.resource,
            stage=self.stage,
            headers=[split_header(flag) for flag in self.header or []],
            query=[split_assignment(flag, "--query") for flag in self.query or []],
            path_parameters=[split_assignment(flag, "--path-param") for flag in self.path_param or []],
            stage_variables=[split_assignment(flag, "--stage-var") for flag in self.stage_var or []],
            context=[
                (name, context_value(value))
                for name, value in (split_assignment(flag, "--context") for flag in self.context or [])
            ],
            body=body,
        )
        return apply_flags(request, flags)

    def read_input(self) -> str | None:
        """The ``--input`` body, if given."""
        from apigw_cli.documents import read_text

        return read_text(self.input_file, what="input file") if self.input_file is not None else None

    @property
    def deterministic_run(self) -> bool:
        return self.deterministic or self.seed is not None

    def identity(self) -> Identity:
        """The request's id and time: fixed with ``--deterministic``/``--seed``, else fresh."""
        from apigw_cli.vtl.context import Identity

        return Identity.deterministic(self.seed) if self.deterministic_run else Identity.fresh()


@dataclass
class RenderInputs(RequestInputs):
    """The request options plus ``--response``: what a template renders against."""

    response_file: ResponseFileOption = None

    def files(self) -> list[str]:
        return [*super().files(), *([self.response_file] if self.response_file not in (None, "-") else [])]

    def check(self, *others: tuple[str, str | None]) -> None:
        super().check(*others, ("--response", self.response_file))

    def load(self) -> tuple[Request, Response | None, Identity]:
        """The request, the response if any (``--input`` is then its body), and the identity."""
        from apigw_cli.samples import read_response_file

        body = self.read_input()
        request = self.load_request(body=body if self.response_file is None else None)
        response = read_response_file(self.response_file) if self.response_file else None
        if response is not None and body is not None:
            response.body, response.is_base64_encoded = body, False
        return request, response, self.identity()


def load_template(path: str) -> Template:
    """Read and compile the template at ``path`` (``-``: standard input)."""
    from apigw_cli.documents import read_text
    from apigw_cli.vtl.engine import compile_template

    return compile_template(read_text(path, what="template"), "<stdin>" if path == "-" else path)


def request_options(inputs_type: type[Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command the options of ``inputs_type`` (a dataclass of annotated options); it
    receives them as ``inputs``. The options appear after the command's arguments and before
    its own options."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        hints = get_type_hints(command, include_extras=True)
        shared_hints = get_type_hints(inputs_type, include_extras=True)
        signature = inspect.signature(command)
        own = [
            parameter.replace(annotation=hints[name], kind=inspect.Parameter.KEYWORD_ONLY)
            for name, parameter in signature.parameters.items()
            if name != "inputs"
        ]
        arguments = [parameter for parameter in own if parameter.default is inspect.Parameter.empty]
        options = [parameter for parameter in own if parameter.default is not inspect.Parameter.empty]
        shared = [
            inspect.Parameter(
                item.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=inspect.Parameter.empty if item.default is MISSING else item.default,  # a required option
                annotation=shared_hints[item.name],
            )
            for item in fields(inputs_type)
        ]

        @functools.wraps(command)
        def with_inputs(**values: Any) -> Any:
            inputs = inputs_type(**{item.name: values.pop(item.name) for item in fields(inputs_type)})
            return command(inputs=inputs, **values)

        parameters = [*arguments, *shared, *options]
        with_inputs.__signature__ = signature.replace(parameters=parameters, return_annotation=None)  # type: ignore[attr-defined]
        with_inputs.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
        return with_inputs

    return decorate


#: The options of ``render`` and ``diff``.
render_options = request_options(RenderInputs)
