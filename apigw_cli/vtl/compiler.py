"""Compile the syntax tree into Python, once per template.

Each statement becomes a function that writes into the render state (blocks of them one
generated function, :mod:`~apigw_cli.vtl.codegen`); expressions and conditions are compiled
by :mod:`~apigw_cli.vtl.compile_expressions`. Errors carry the template position of the
node that raised them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apigw_cli.errors import TemplatePositionError, TemplateRenderError
from apigw_cli.vtl import nodes
from apigw_cli.vtl.codegen import generate_block
from apigw_cli.vtl.compile_expressions import ExpressionCompiler
from apigw_cli.vtl.limits import MAX_FOREACH_ITERATIONS, LimitReached
from apigw_cli.vtl.methods import JavaException
from apigw_cli.vtl.positions import position
from apigw_cli.vtl.runtime import (
    BreakScope,
    DefinedBlock,
    ForeachScope,
    Macro,
    RenderState,
    Run,
    StopRender,
    Thunk,
)
from apigw_cli.vtl.sandbox import (
    SandboxRefusal,
    check_member_name,
    java_type_name,
    set_index,
    set_property,
)
from apigw_cli.vtl.survey import TemplateFacts, survey
from apigw_cli.vtl.values import JavaArray, to_output_text

#: The name bodies are compiled under: compiled bodies are shared by text, and their errors
#: take the name of the template being rendered (see the engine).
SHARED_NAME = "<apigw: a shared template>"
#: Name given to the text of an ``#evaluate`` while it compiles.
EVALUATED_NAME = "#evaluate"
#: Compiles the text of an ``#evaluate`` into a runnable template (set by the engine).
EvaluateCompiler = Callable[[str], "CompiledBody"]


class CompiledBody:
    """A compiled template body, the macros it defines and what it will do."""

    def __init__(self, run: Run, macros: dict[str, Macro], facts: TemplateFacts) -> None:
        self.run = run
        self.macros = macros
        self.facts = facts


#: Printing a Java array (``split``'s result): where apigw's output differs from AWS's.
_IDENTITY_HASH = (
    "a Java array prints its type and identity hash; apigw prints a fixed one, AWS a different one each time"
)


class Compiler(ExpressionCompiler):
    """Compiles one template's syntax tree (its statements here, its expressions in the base
    class); ``name`` and ``source`` locate errors."""

    def __init__(self, name: str, source: str, compile_evaluated: EvaluateCompiler) -> None:
        super().__init__(name, source)
        self.compile_evaluated = compile_evaluated
        self.macros: dict[str, Macro] = {}

    def compile(self, block: nodes.Block) -> CompiledBody:
        run = self.block(block)
        return CompiledBody(run, self.macros, survey(block))

    # -- statements -----------------------------------------------------------------------

    def guarded(self, offset: int, run: Run) -> Run:
        """Give a statement's limit errors this statement's position."""

        def guarded_run(state: RenderState) -> None:
            try:
                run(state)
            except LimitReached as exc:
                self.error(offset, exc)

        return guarded_run

    def block(self, block: nodes.Block) -> Run:
        statements = self.merged(block)
        return generate_block(self, statements) if statements else _nothing

    @staticmethod
    def merged(block: nodes.Block) -> list[nodes.Statement]:
        """The block's statements, adjacent text joined so each renders with one write."""
        return _merge_text(block)

    def statement(self, statement: nodes.Statement) -> Run:
        if isinstance(statement, nodes.Text):
            text = statement.text
            return lambda state: state.out.write(text)
        if isinstance(statement, nodes.Output):
            return self.output(statement.reference)
        if isinstance(statement, nodes.EscapedOutput):
            return self.escaped_output(statement)
        if isinstance(statement, nodes.If):
            return self.if_(statement)
        if isinstance(statement, nodes.Foreach):
            return self.guarded(statement.offset, self.foreach(statement))
        if isinstance(statement, nodes.Set):
            return self.set_(statement)
        if isinstance(statement, nodes.MacroDefinition):
            # Velocity registers macros while parsing: a call may come before the definition,
            # and the first definition of a name wins.
            self.macros.setdefault(statement.name, Macro(statement.parameters, self.block(statement.body)))
            return _nothing
        if isinstance(statement, nodes.MacroCall):
            return self.guarded(statement.offset, self.macro_call(statement))
        if isinstance(statement, nodes.Define):
            return self.define(statement)
        if isinstance(statement, nodes.Evaluate):
            return self.guarded(statement.offset, self.evaluate(statement))
        if isinstance(statement, nodes.Stop):
            return _stop
        assert isinstance(statement, nodes.Break)
        return _break

    def output(self, reference: nodes.Reference) -> Run:
        evaluate = self.reference(reference)
        other = self.output_other(reference.offset)

        def run_output(state: RenderState) -> None:
            value = evaluate(state)
            if type(value) is str:
                state.out.write(value)
            elif value is not None:
                other(state, value)

        return run_output

    def output_other(self, offset: int) -> Callable[[RenderState, Any], None]:
        """Print a value that is not a string (nor null): a ``#define`` block renders, the
        rest prints as Java would."""

        def print_value(state: RenderState, value: Any) -> None:
            if isinstance(value, DefinedBlock):
                try:
                    _render_nested(state, value.body)
                except LimitReached as exc:
                    self.error(offset, exc)
                except TemplatePositionError as exc:  # in the template that defined the block
                    if exc.name == SHARED_NAME and value.origin:
                        exc.name = value.origin
                    raise
                return
            if isinstance(value, JavaArray):  # rare: the warning is built when it happens
                state.warn(self.warning(offset, _IDENTITY_HASH, "engine-difference"))
            try:
                state.out.write(to_output_text(value))
            except LimitReached as exc:  # a huge collection's text, or the output's limit
                self.error(offset, exc)

        return print_value

    def escaped_output(self, statement: nodes.EscapedOutput) -> Run:
        evaluate = self.reference(statement.reference)
        text = statement.reference.source
        with_value = "\\" * (statement.backslashes // 2) + text
        without_value = "\\" * (statement.backslashes // 2 + 1) + text

        def run_escaped(state: RenderState) -> None:
            state.out.write(without_value if evaluate(state) is None else with_value)

        return run_escaped

    def if_(self, statement: nodes.If) -> Run:
        branches = [(self.condition(condition), self.block(body)) for condition, body in statement.branches]
        otherwise = self.block(statement.otherwise) if statement.otherwise is not None else _nothing

        def run_if(state: RenderState) -> None:
            for test, body in branches:
                if test(state):
                    body(state)
                    return
            otherwise(state)

        return run_if

    def foreach(self, statement: nodes.Foreach) -> Run:
        iterable = self.expression(statement.iterable)
        body = self.block(statement.body)
        variable = statement.variable
        saved_names = (variable, "foreach", "velocityCount", "velocityHasNext")
        truncated = self.warning(
            statement.offset,
            f"#foreach stopped after {MAX_FOREACH_ITERATIONS:,} items, API Gateway's limit; the rest were not rendered",
            "foreach-limit-reached",
        )
        offset = statement.offset

        def run_foreach(state: RenderState) -> None:
            collection = iterable(state)
            items = _iteration_items(collection)
            if items is None:
                if collection is not None:
                    state.warn(
                        self.warning(
                            offset,
                            f"#foreach cannot iterate over a {java_type_name(collection)}",
                            "foreach-not-iterable",
                        )
                    )
                return
            saved = [state.raw(name) for name in saved_names]
            scope = ForeachScope(len(items), saved[1])
            length = len(items)
            try:
                for index, item in enumerate(items):
                    if index == MAX_FOREACH_ITERATIONS:
                        state.warn(truncated)
                        break
                    if len(items) != length:
                        changed = JavaException("ConcurrentModificationException", "the list changed in the loop")
                        self.error(offset, changed)
                    state.tick()
                    scope.index = index
                    if state.scope is None:  # outside macros, straight into the variables
                        variables = state.variables
                        variables[variable] = item
                        variables["foreach"] = scope
                        variables["velocityCount"] = index + 1
                        variables["velocityHasNext"] = index + 1 < length
                    else:
                        state.assign(variable, item)
                        state.assign("foreach", scope)
                        state.assign("velocityCount", index + 1)
                        state.assign("velocityHasNext", index + 1 < length)
                    try:
                        body(state)
                    except BreakScope:
                        break
            finally:
                for name, value in zip(saved_names, saved, strict=True):
                    state.restore(name, value)

        return run_foreach

    def set_(self, statement: nodes.Set) -> Run:
        value_of = self.expression(statement.value)
        target = statement.target
        name = target.name
        if not target.accessors:

            def run_set(state: RenderState) -> None:
                value = value_of(state)
                if value is not None:  # Velocity 1.7 keeps the old value (set.null.allowed=false)
                    state.assign(name, value)

            return run_set

        holder = self.reference(nodes.Reference(name, target.accessors[:-1], target.source, target.offset))
        last = target.accessors[-1]
        offset = last.offset
        if isinstance(last, nodes.Attribute):
            try:
                check_member_name(last.name, call=False)
            except SandboxRefusal as exc:
                self.error(offset, exc)
        key_of = self.expression(last.key) if isinstance(last, nodes.Index) else None
        attribute = last.name if isinstance(last, nodes.Attribute) else ""

        def run_set_member(state: RenderState) -> None:
            value = value_of(state)
            if value is None:
                return
            obj = holder(state)
            if obj is None:
                return
            try:
                if key_of is None:
                    set_property(obj, attribute, value)
                else:
                    set_index(obj, key_of(state), value)
            except (JavaException, SandboxRefusal) as exc:
                self.error(offset, exc)

        return run_set_member

    def macro_call(self, statement: nodes.MacroCall) -> Run:
        arguments = [self.expression(argument) for argument in statement.args]
        name, source = statement.name, statement.source

        def run_macro_call(state: RenderState) -> None:
            macro = state.macros.get(name)
            if macro is None:  # not a macro: Velocity prints the call as text
                state.out.write(source)
                return
            scope: dict[str, Any] = dict.fromkeys(macro.parameters)
            for parameter, argument in zip(macro.parameters, arguments, strict=False):
                scope[parameter] = Thunk(argument, state.scope)
            caller_scope, state.scope = state.scope, scope
            try:
                _render_nested(state, macro.body)
            finally:
                state.scope = caller_scope

        return run_macro_call

    def define(self, statement: nodes.Define) -> Run:
        body = self.block(statement.body)
        name = statement.name
        return lambda state: state.assign(name, DefinedBlock(body, state.template_name))

    def evaluate(self, statement: nodes.Evaluate) -> Run:
        text_of = self.expression(statement.expression)
        compile_evaluated = self.compile_evaluated

        offset = statement.offset

        def run_evaluate(state: RenderState) -> None:
            text = text_of(state)
            if text is None:
                return
            try:
                body = compile_evaluated(to_output_text(text))
                if body.macros:  # a new map: the one the render started with is the template's
                    state.macros = {**body.macros, **state.macros}  # a name defined first stays
                _render_nested(state, body.run)
            except StopRender:
                pass  # #stop ends only the evaluated text
            except TemplatePositionError as exc:
                if exc.name != EVALUATED_NAME:
                    raise
                # Locate the error at the #evaluate, and say where in the evaluated text it is.
                inner = type(exc) if isinstance(exc, TemplateRenderError) else TemplateRenderError
                line, column, source_line = position(self.source, offset)
                raise inner(
                    f"in the text of #evaluate, line {exc.line}, column {exc.column}: {exc.message}",
                    name=self.name,
                    line=line,
                    column=column,
                    source_line=source_line,
                ) from exc

        return run_evaluate


def _nothing(state: RenderState) -> None:
    return None


def _stop(state: RenderState) -> None:
    raise StopRender


def _break(state: RenderState) -> None:
    raise BreakScope


def _render_nested(state: RenderState, body: Run) -> None:
    """Render a macro, ``#define`` or ``#evaluate`` body: a ``#break`` inside ends only it."""
    state.enter()
    try:
        body(state)
    except BreakScope:
        pass
    finally:
        state.leave()


def _iteration_items(collection: Any) -> list[Any] | None:
    """What ``#foreach`` iterates: a list's items, a map's values; ``None`` for the rest."""
    if isinstance(collection, list):
        return collection
    if isinstance(collection, dict):
        return list(collection.values())
    return None


def _merge_text(block: nodes.Block) -> list[nodes.Statement]:
    """Join adjacent text nodes so each renders with one write."""
    merged: list[nodes.Statement] = []
    for statement in block:
        previous = merged[-1] if merged else None
        if isinstance(statement, nodes.Text) and isinstance(previous, nodes.Text):
            merged[-1] = nodes.Text(previous.text + statement.text, previous.offset)
        else:
            merged.append(statement)
    return merged
