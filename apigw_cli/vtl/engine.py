"""Compile a mapping template once and render it many times: the VTL engine's front door.

>>> template = compile_template('#set($n = $names.size())$n name#if($n != 1)s#end', "doc")
>>> template.render({"names": ["a", "b"]}).output
'2 names'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from apigw_cli.errors import RenderLimitExceeded, TemplatePositionError
from apigw_cli.vtl.compiler import EVALUATED_NAME, SHARED_NAME, CompiledBody, Compiler
from apigw_cli.vtl.limits import MAX_TEMPLATE_BYTES, LimitReached, deadline_alarm
from apigw_cli.vtl.parser import parse_template
from apigw_cli.vtl.positions import syntax_error
from apigw_cli.vtl.runtime import BreakScope, RenderState, RenderWarning, StopRender

#: Templates kept compiled per process, keyed by their text and name.
TEMPLATE_CACHE_SIZE = 512


@dataclass
class RenderOutcome:
    """The rendered text and the warnings the render raised, in order of first occurrence."""

    output: str
    warnings: list[RenderWarning] = field(default_factory=list)


class Template:
    """A compiled template. ``render`` may be called any number of times, concurrently from
    separate threads too: all render state lives in a fresh :class:`RenderState`."""

    def __init__(self, source: str, name: str) -> None:
        self.source = source
        self.name = name
        try:
            self._body = _compile_shared(source)
        except TemplatePositionError as exc:
            raise _named(exc, name) from exc.__cause__
        #: The ``$context`` keys the template reads (None: any); see :mod:`.survey`.
        self.context_keys = self._body.facts.context_keys

    def render(self, variables: dict[str, Any]) -> RenderOutcome:
        """Render with these top-level variables (``input``, ``util``, ``context``...).

        Raises :class:`~apigw_cli.errors.TemplateRenderError` (or its sandbox subclasses).
        The ``variables`` map is modified by ``#set``: pass a fresh one per render.
        """
        body = self._body
        state = RenderState(variables, body.macros, self.name)
        try:
            try:
                if body.facts.bounded_steps:  # the checks between steps suffice; a timer costs more than a small render
                    body.run(state)
                else:
                    with deadline_alarm(state.deadline, state.too_slow):
                        body.run(state)
            except (StopRender, BreakScope):
                pass
            state.step()  # a render that ran past the limit fails, even when its last step ended it
        except TemplatePositionError as exc:
            raise _named(exc, self.name) from exc.__cause__
        except LimitReached as exc:
            raise RenderLimitExceeded(str(exc), name=self.name, line=1, column=1) from exc
        except RecursionError:
            raise RenderLimitExceeded(
                "the data or the template nests too deeply (Java would overflow its stack)",
                name=self.name,
                line=1,
                column=1,
            ) from None
        return RenderOutcome(state.out.text(), state.warnings)


@lru_cache(maxsize=TEMPLATE_CACHE_SIZE)
def compile_template(source: str, name: str) -> Template:
    """Parse and compile ``source``; the same text and name return the same template, and
    the same text under another name shares its compiled body (a suite of cases over one
    template parses it once).

    Raises :class:`~apigw_cli.errors.TemplateSyntaxError` naming ``name``, line and column.
    """
    return Template(source, name)


@lru_cache(maxsize=TEMPLATE_CACHE_SIZE)
def _compile_shared(source: str) -> CompiledBody:
    return _compile(source, SHARED_NAME)


def _named(error: TemplatePositionError, name: str) -> TemplatePositionError:
    """``error`` located in the template called ``name``."""
    if error.name == SHARED_NAME:
        error.name = name
    return error


def _compile(source: str, name: str) -> CompiledBody:
    # A UTF-8 character is at most 4 bytes: only a long text needs encoding to be measured.
    size = len(source.encode("utf-8", errors="surrogatepass")) if len(source) * 4 > MAX_TEMPLATE_BYTES else 0
    if name != EVALUATED_NAME and size > MAX_TEMPLATE_BYTES:
        raise RenderLimitExceeded(
            f"the template is {size:,} bytes; API Gateway takes mapping templates up to 300 KB "
            f"({MAX_TEMPLATE_BYTES:,} bytes)",
            name=name,
            line=1,
            column=1,
        )
    try:
        return Compiler(name, source, _compile_evaluated).compile(parse_template(source, name))
    except RecursionError:
        raise syntax_error(source, name, 0, "the template nests too deeply to compile") from None
    except MemoryError:
        raise RenderLimitExceeded("the template is too large to compile", name=name, line=1, column=1) from None


@lru_cache(maxsize=TEMPLATE_CACHE_SIZE)
def _compile_evaluated(source: str) -> CompiledBody:
    return _compile(source, EVALUATED_NAME)
