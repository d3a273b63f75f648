"""The state of one render: variables, macro scopes, the output, limits and warnings."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from apigw_cli.vtl.limits import (
    MAX_CALL_DEPTH,
    MAX_COLLECTION_ITEMS,
    MAX_INTEGER_BITS,
    MAX_OUTPUT_CHARS,
    MAX_RENDER_SECONDS,
    MAX_TEXT_BUILT_CHARS,
    MAX_TOTAL_ITERATIONS,
    LimitReached,
)
from apigw_cli.vtl.sandbox import TemplateObject

#: A compiled statement: renders into the state's current writer.
Run = Callable[["RenderState"], None]
#: A compiled expression.
Evaluate = Callable[["RenderState"], Any]


class StopRender(Exception):
    """``#stop``: the template ends here; what was written so far is the output."""


class BreakScope(Exception):
    """``#break``: leaves the innermost ``#foreach``, macro, ``#define`` or template."""


@dataclass(frozen=True)
class RenderWarning:
    """Something the render did that a user should know: where API Gateway behaves in a way
    that is easy to miss (an unknown method printing nothing, a truncated loop)."""

    line: int
    column: int
    message: str
    #: Which kind it is: the ``apigw lint`` rule that reports it.
    rule: str = ""

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"


class Writer:
    """Collects output; refuses to grow past :data:`~apigw_cli.vtl.limits.MAX_OUTPUT_CHARS`."""

    __slots__ = ("parts", "size", "limit")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = MAX_OUTPUT_CHARS

    def write(self, text: str) -> None:
        self.size += len(text)
        if self.size > self.limit:
            raise self.overflow()
        self.parts.append(text)

    def overflow(self) -> LimitReached:
        """The output grew too large (generated code appends a template's text and counts it
        in line, with the same check as :meth:`write`)."""
        return LimitReached(f"text of more than {self.limit:,} characters (API Gateway's 10 MB payload limit)")

    def text(self) -> str:
        return "".join(self.parts)


class Thunk:
    """A macro argument: Velocity 1.7 passes arguments by name, so each use of the parameter
    evaluates the caller's expression again, in the caller's scope."""

    __slots__ = ("evaluate", "scope")

    def __init__(self, evaluate: Evaluate, scope: dict[str, Any] | None) -> None:
        self.evaluate = evaluate
        self.scope = scope


class DefinedBlock(TemplateObject):
    """The value of ``$name`` after ``#define($name)``: printing it renders the block."""

    __slots__ = ("body", "origin")
    java_class_name = "Block"

    def __init__(self, body: Run, origin: str) -> None:
        self.body = body
        #: The template that defined it, which its errors name wherever it is printed.
        self.origin = origin


class ForeachScope(TemplateObject):
    """``$foreach`` inside a loop: ``index``, ``count``, ``hasNext``, ``first``, ``last``, ``parent``."""

    __slots__ = ("index", "total", "parent")
    java_class_name = "ForeachScope"
    vtl_properties: ClassVar[dict[str, str]] = {
        "index": "get_index",
        "count": "get_count",
        "hasNext": "has_next",
        "first": "is_first",
        "last": "is_last",
        "parent": "get_parent",
    }
    vtl_methods: ClassVar[dict[str, str]] = {
        "getIndex": "get_index",
        "getCount": "get_count",
        "hasNext": "has_next",
        "getHasNext": "has_next",
        "isFirst": "is_first",
        "getFirst": "is_first",
        "isLast": "is_last",
        "getLast": "is_last",
        "getParent": "get_parent",
    }

    def __init__(self, total: int, parent: Any) -> None:
        self.index = 0
        self.total = total
        self.parent = parent if isinstance(parent, ForeachScope) else None

    def get_index(self) -> int:
        return self.index

    def get_count(self) -> int:
        return self.index + 1

    def has_next(self) -> bool:
        return self.index + 1 < self.total

    def is_first(self) -> bool:
        return self.index == 0

    def is_last(self) -> bool:
        return self.index + 1 == self.total

    def get_parent(self) -> ForeachScope | None:
        return self.parent


@dataclass
class Macro:
    parameters: tuple[str, ...]
    body: Run


class RenderState:
    """Everything one render reads and writes. Variables live in one global map, as in
    Velocity 1.7 (``#set`` inside a macro or loop is global); a macro call adds a scope for
    its parameters only."""

    __slots__ = (
        "variables",
        "template_name",
        "scope",
        "macros",
        "out",
        "warnings",
        "iterations",
        "built",
        "depth",
        "time_limit",
        "deadline",
    )

    def __init__(self, variables: dict[str, Any], macros: dict[str, Macro], template_name: str = "") -> None:
        self.variables = variables
        #: The name of the template being rendered (compiled bodies are shared by text).
        self.template_name = template_name
        self.scope: dict[str, Any] | None = None  # the running macro's parameters
        self.macros = macros  # the template's own, never changed: #evaluate makes a new map
        self.out = Writer()
        self.warnings: list[RenderWarning] = []
        self.iterations = 0
        self.built = 0
        self.depth = 0
        self.time_limit = MAX_RENDER_SECONDS
        self.deadline = time.monotonic() + self.time_limit

    def lookup(self, name: str) -> Any:
        scope = self.scope
        if scope is not None and name in scope:
            value = scope[name]
            if isinstance(value, Thunk):
                self.step()  # by-name arguments can multiply work without any loop
                caller_scope, self.scope = self.scope, value.scope
                try:
                    return value.evaluate(self)
                finally:
                    self.scope = caller_scope
            return value
        return self.variables.get(name)

    def assign(self, name: str, value: Any) -> None:
        scope = self.scope
        if scope is not None and name in scope:
            scope[name] = value
        else:
            self.variables[name] = value

    def raw(self, name: str) -> Any:
        """The variable as stored (a loop saves and restores it without evaluating it)."""
        scope = self.scope
        if scope is not None and name in scope:
            return scope[name]
        return self.variables.get(name)

    def restore(self, name: str, value: Any) -> None:
        if value is None:
            if self.scope is not None and name in self.scope:
                self.scope[name] = None
            else:
                self.variables.pop(name, None)
        else:
            self.assign(name, value)

    def tick(self) -> None:
        """One loop pass: counts toward the iteration and time limits."""
        self.iterations += 1
        if self.iterations > MAX_TOTAL_ITERATIONS:
            raise LimitReached(f"more than {MAX_TOTAL_ITERATIONS:,} loop passes in one render")
        if time.monotonic() > self.deadline:  # step(), in line: a loop pass is the commonest unit
            raise self.too_slow()

    def step(self) -> None:
        """A unit of work (loop pass, method call, argument evaluation): checks the clock."""
        if time.monotonic() > self.deadline:
            raise self.too_slow()

    def too_slow(self) -> LimitReached:
        return LimitReached(f"the render took longer than {self.time_limit:g} seconds")

    def check_value(self, value: Any) -> None:
        """Count a newly built string and bound strings, collections and integers."""
        kind = type(value)
        if kind is str:
            size = len(value)
            if size > MAX_OUTPUT_CHARS:
                raise LimitReached(f"a string of more than {MAX_OUTPUT_CHARS:,} characters")
            self.built += size
            if self.built > MAX_TEXT_BUILT_CHARS:
                raise LimitReached(f"the render built more than {MAX_TEXT_BUILT_CHARS:,} characters of text")
        elif kind is int:
            if value.bit_length() > MAX_INTEGER_BITS:
                raise LimitReached(f"an integer of more than {MAX_INTEGER_BITS:,} bits")
        elif isinstance(value, list | dict) and len(value) > MAX_COLLECTION_ITEMS:
            raise LimitReached(f"a list or map of more than {MAX_COLLECTION_ITEMS:,} items")

    def enter(self) -> None:
        """A nested render (macro, ``#define``, ``#evaluate``); see :data:`MAX_CALL_DEPTH`."""
        self.depth += 1
        if self.depth > MAX_CALL_DEPTH:
            raise LimitReached(f"more than {MAX_CALL_DEPTH} nested macro calls, #define or #evaluate renders")
        self.step()

    def leave(self) -> None:
        self.depth -= 1

    def warn(self, warning: RenderWarning) -> None:
        if warning not in self.warnings:
            self.warnings.append(warning)
