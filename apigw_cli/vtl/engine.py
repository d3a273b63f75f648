"""Compile a mapping template once and render it many times: the VTL engine's front door.

>>> template = compile_template('#set($n = $names.size())$n name#if($n != 1)s#end', "doc")
>>> template.render({"names": ["a", "b"]}).output
'2 names'
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from types import FrameType
from typing import Any

from apigw_cli.errors import RenderLimitExceeded
from apigw_cli.vtl.compiler import EVALUATED_NAME, CompiledBody, Compiler
from apigw_cli.vtl.limits import LimitReached
from apigw_cli.vtl.parser import parse_template, syntax_error
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
        self._body = _compile(source, name)

    def render(self, variables: dict[str, Any]) -> RenderOutcome:
        """Render with these top-level variables (``input``, ``util``, ``context``...).

        Raises :class:`~apigw_cli.errors.TemplateRenderError` (or its sandbox subclasses).
        The ``variables`` map is modified by ``#set``: pass a fresh one per render.
        """
        state = RenderState(variables, self._body.macros)
        try:
            with _alarm_at(state):
                self._body.run(state)
        except (StopRender, BreakScope):
            pass
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
    """Parse and compile ``source``; the same text and name return the same template.

    Raises :class:`~apigw_cli.errors.TemplateSyntaxError` naming ``name``, line and column.
    """
    return Template(source, name)


def _compile(source: str, name: str) -> CompiledBody:
    try:
        block = parse_template(source, name)
        return Compiler(name, source, _compile_evaluated).compile(block)
    except RecursionError:
        raise syntax_error(source, name, 0, "the template nests too deeply to compile") from None


@lru_cache(maxsize=TEMPLATE_CACHE_SIZE)
def _compile_evaluated(source: str) -> CompiledBody:
    return _compile(source, EVALUATED_NAME)


@contextmanager
def _alarm_at(state: RenderState) -> Iterator[None]:
    """Interrupt the render at its deadline even inside one long operation (a regex that
    backtracks, a huge replace), which step counting alone cannot. Uses ``SIGALRM``, so only
    in the main thread and when no other timer is set; elsewhere the render's own clock checks
    at each loop pass and method call still apply."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return
    remaining = state.deadline - time.monotonic()
    if remaining <= 0:
        raise state.too_slow()

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise state.too_slow()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, remaining)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
