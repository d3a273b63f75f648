"""Compile expressions and conditions into Python closures: the half of the compiler that
statements share (:class:`~apigw_cli.vtl.compiler.Compiler` adds the statements).

Each expression becomes a function that returns a value, and each condition a function that
returns a bool by Velocity's rules for ``#if`` (which differ from the value's truth: a
literal ``"abc"`` or an arithmetic result as a whole condition is false, a null reference is
true on API Gateway). Errors carry the template position of the node that raised them.
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import Any, NoReturn

from apigw_cli.errors import RenderLimitExceeded, SandboxViolation, TemplateRenderError
from apigw_cli.vtl import nodes, operators
from apigw_cli.vtl.limits import MAX_OUTPUT_CHARS, MAX_RANGE_ITEMS, MAX_TEXT_BUILT_CHARS, LimitReached
from apigw_cli.vtl.methods import JavaException, NoSuchMethod, java_int_value, map_key
from apigw_cli.vtl.positions import position
from apigw_cli.vtl.runtime import Evaluate, RenderState, RenderWarning, Run, Writer
from apigw_cli.vtl.sandbox import (
    RESOLVED_CALLS,
    RESOLVED_PROPERTIES,
    SandboxRefusal,
    UnknownMember,
    check_member_name,
    get_index,
    resolve_call,
    resolve_property,
)
from apigw_cli.vtl.values import ArrayList

Test = Callable[[RenderState], bool]
Step = Callable[[RenderState, Any], Any]


class ExpressionCompiler:
    """Compiles one template's expressions; ``name`` and ``source`` locate errors."""

    def __init__(self, name: str, source: str) -> None:
        self.name = name
        self.source = source

    def block(self, block: nodes.Block) -> Run:
        """A block of statements (a string literal's content is one): the subclass's."""
        raise NotImplementedError

    # -- errors ---------------------------------------------------------------------------

    def error(self, offset: int, exc: Exception) -> NoReturn:
        line, column, text = position(self.source, offset)
        kind: type[TemplateRenderError] = TemplateRenderError
        if isinstance(exc, SandboxRefusal):
            kind = SandboxViolation
        elif isinstance(exc, LimitReached):
            kind = RenderLimitExceeded
        raise kind(str(exc), name=self.name, line=line, column=column, source_line=text) from exc

    def warning(self, offset: int, message: str, rule: str) -> RenderWarning:
        line, column, _ = position(self.source, offset)
        return RenderWarning(line, column, message, rule)

    # -- expressions ----------------------------------------------------------------------

    def expression(self, expr: nodes.Expr) -> Evaluate:
        if isinstance(expr, nodes.Literal):
            value = expr.value
            return lambda state: value
        if isinstance(expr, nodes.Reference):
            return self.reference(expr)
        if isinstance(expr, nodes.Interpolated):
            return self.interpolated(expr)
        if isinstance(expr, nodes.ListLiteral):
            items = [self.expression(item) for item in expr.items]
            return lambda state: ArrayList([item(state) for item in items])
        if isinstance(expr, nodes.MapLiteral):
            entries = [(self.expression(key), self.expression(value)) for key, value in expr.entries]
            offset = expr.offset

            def evaluate_map(state: RenderState) -> dict[Any, Any]:
                try:
                    return {map_key(key(state)): value(state) for key, value in entries}
                except JavaException as exc:
                    self.error(offset, exc)

            return evaluate_map
        if isinstance(expr, nodes.RangeLiteral):
            return self.range_(expr)
        if isinstance(expr, nodes.Not):
            test = self.condition(expr.operand)
            return lambda state: not test(state)
        return self.binary(expr)

    def interpolated(self, expr: nodes.Interpolated) -> Evaluate:
        body = self.block(expr.body)
        offset = expr.offset

        def evaluate_interpolated(state: RenderState) -> str:
            outer, state.out = state.out, Writer()
            try:
                body(state)
                text = state.out.text()
                state.check_value(text)
                return text
            except LimitReached as exc:
                self.error(offset, exc)
            finally:
                state.out = outer

        return evaluate_interpolated

    def range_(self, expr: nodes.RangeLiteral) -> Evaluate:
        start_of, end_of = self.expression(expr.start), self.expression(expr.end)
        offset = expr.offset

        def evaluate_range(state: RenderState) -> ArrayList | None:
            start, end = start_of(state), end_of(state)
            if not (operators.is_number(start) and operators.is_number(end)):
                return None
            start, end = java_int_value(start), java_int_value(end)  # Velocity takes intValue()
            if abs(end - start) >= MAX_RANGE_ITEMS:
                self.error(offset, LimitReached(f"a range of more than {MAX_RANGE_ITEMS:,} items"))
            step = 1 if end >= start else -1
            return ArrayList(range(start, end + step, step))

        return evaluate_range

    def binary(self, expr: nodes.BinaryOp) -> Evaluate:
        op = expr.op
        if op in ("&&", "||", "==", "!=", "<", "<=", ">", ">="):
            test = self.condition(expr)
            return test
        left, right = self.expression(expr.left), self.expression(expr.right)
        if op == "+":
            left_source, right_source = _source_text(expr.left), _source_text(expr.right)
            offset = expr.offset

            def evaluate_add(state: RenderState) -> Any:
                result = operators.add(left(state), right(state), left_source, right_source)
                self.checked(state, offset, result)
                return result

            return evaluate_add
        arithmetic = _ARITHMETIC[op]
        offset = expr.offset

        def evaluate_arithmetic(state: RenderState) -> Any:
            result = arithmetic(left(state), right(state))
            self.checked(state, offset, result)
            return result

        return evaluate_arithmetic

    def checked(self, state: RenderState, offset: int, value: Any) -> None:
        """Apply the size limits to a value the template just made (see ``check_value``)."""
        try:
            state.check_value(value)
        except LimitReached as exc:
            self.error(offset, exc)

    def reference(self, reference: nodes.Reference) -> Evaluate:
        name = reference.name
        plan = self.reference_plan(reference)
        if not plan:
            return lambda state: state.lookup(name)

        def evaluate_reference(state: RenderState) -> Any:
            value = state.variables.get(name) if state.scope is None else state.lookup(name)
            for attribute, step in plan:
                if value is None:
                    return None
                if attribute is not None and type(value) is dict:
                    value = value.get(attribute)
                else:
                    value = step(state, value)
            return value

        return evaluate_reference

    def reference_plan(self, reference: nodes.Reference) -> list[tuple[str | None, Step]]:
        """Each accessor of ``reference`` as (the property name, when it is one; its step).
        A property of a plain map (parsed JSON, $context) is a dictionary lookup, done in
        line by the caller; the step is for other receivers."""
        return [
            (accessor.name if isinstance(accessor, nodes.Attribute) else None, self.accessor(accessor))
            for accessor in reference.accessors
        ]

    def accessor(self, accessor: nodes.Accessor) -> Step:
        offset = accessor.offset
        if isinstance(accessor, nodes.Attribute | nodes.MethodCall):
            try:
                check_member_name(accessor.name, call=isinstance(accessor, nodes.MethodCall))
            except SandboxRefusal as exc:
                self.error(offset, exc)
        if isinstance(accessor, nodes.MethodCall):
            return self.method_call(accessor)
        if isinstance(accessor, nodes.Attribute):
            name = accessor.name

            def read_property(state: RenderState, value: Any) -> Any:
                try:
                    read = RESOLVED_PROPERTIES.get((type(value), name)) or resolve_property(value, name)
                    return read(value)
                except _FAILURES as exc:
                    return self.failed(state, offset, exc)

            return read_property
        key_of = self.expression(accessor.key)

        def read_index(state: RenderState, value: Any) -> Any:
            try:
                return get_index(value, key_of(state))
            except _FAILURES as exc:
                return self.failed(state, offset, exc)

        return read_index

    def failed(self, state: RenderState, offset: int, exc: Exception) -> None:
        """A member access or call that failed: an unknown member is null (and a warning),
        the rest an error at ``offset``."""
        if not isinstance(exc, UnknownMember):
            self.error(offset, exc)
        state.warn(self.warning(offset, f"{exc}; API Gateway returns null here", "null-member"))

    def method_call(self, accessor: nodes.MethodCall) -> Step:
        """``.name(args)``: the arguments, then :meth:`invocation`'s call."""
        arguments = [self.expression(argument) for argument in accessor.args]
        invoke = self.invocation(accessor)
        only = arguments[0] if len(arguments) == 1 else None  # the usual call: no comprehension
        offset = accessor.offset

        def call(state: RenderState, value: Any) -> Any:
            try:
                args = [only(state)] if only is not None else [argument(state) for argument in arguments]
            except (JavaException, SandboxRefusal, LimitReached) as exc:
                self.error(offset, exc)
            return invoke(state, value, args)

        return call

    def invocation(self, accessor: nodes.MethodCall) -> Callable[[RenderState, Any, list[Any]], Any]:
        """``.name(...)`` on a receiver, its arguments evaluated, in one function: a call is
        most of a template's work (generated code calls it with arguments it evaluated)."""
        name, offset, count = accessor.name, accessor.offset, len(accessor.args)
        #: The last receiver's type here and how the call runs for it (one tuple: a render in
        #: another thread sees the pair whole); the usual call site sees one type.
        cached: tuple[type | None, Any, str] = (None, None, "")

        def invoke(state: RenderState, value: Any, args: list[Any]) -> Any:
            nonlocal cached
            refused = ""
            try:
                if monotonic() > state.deadline:  # every call: one may take a second on a 10 MB body
                    raise state.too_slow()
                kind, function, refused = cached
                if kind is not type(value):
                    kind = type(value)
                    function, refused = RESOLVED_CALLS.get((kind, name, count)) or resolve_call(value, name, count)
                    cached = (kind, function, refused)
                result = function(value, *args)
                if type(result) is str:  # check_value's usual case, in line: a call is most of the work
                    state.built += len(result)
                    if state.built > MAX_TEXT_BUILT_CHARS or len(result) > MAX_OUTPUT_CHARS:
                        state.check_value(result)
                else:
                    state.check_value(result)
                if isinstance(value, _COLLECTIONS):
                    state.check_value(value)  # the call may have grown its receiver
                return result
            except NoSuchMethod:  # the receiver's type has no such call, or not for these arguments
                return self.failed(state, offset, UnknownMember(refused))
            except _FAILURES as exc:
                return self.failed(state, offset, exc)

        return invoke

    # -- conditions -----------------------------------------------------------------------

    def condition(self, expr: nodes.Expr) -> Test:
        """``expr`` as a condition, by Velocity's ``evaluate()`` of each node type."""
        if isinstance(expr, nodes.Reference):
            evaluate = self.reference(expr)
            return lambda state: operators.is_true_reference(evaluate(state))
        if isinstance(expr, nodes.Literal):
            truth = expr.value is True
            return lambda state: truth
        if isinstance(expr, nodes.Not):
            test = self.condition(expr.operand)
            return lambda state: not test(state)
        if isinstance(expr, nodes.BinaryOp):
            return self.comparison(expr)
        # A string, list, map or range literal as a whole condition is false in Velocity 1.7.
        return lambda state: False

    def comparison(self, expr: nodes.BinaryOp) -> Test:
        op = expr.op
        if op in ("&&", "||"):
            left_test, right_test = self.condition(expr.left), self.condition(expr.right)
            if op == "&&":
                return lambda state: left_test(state) and right_test(state)
            return lambda state: left_test(state) or right_test(state)
        if op in ("+", "-", "*", "/", "%"):
            return lambda state: False  # arithmetic has no truth value in Velocity 1.7
        left, right = self.expression(expr.left), self.expression(expr.right)
        if op in ("==", "!="):
            equal = _equality(left, right)
            return equal if op == "==" else lambda state: not equal(state)
        return lambda state: operators.compare(op, left(state), right(state))


def _equality(left: Evaluate, right: Evaluate) -> Test:
    """``==``: comparing collections, or printing values of unrelated classes to compare
    their text, takes time linear in their size, so it checks the clock as a call does."""

    def equal(state: RenderState) -> bool:
        left_value, right_value = left(state), right(state)
        if type(left_value) not in _SCALARS or type(right_value) not in _SCALARS:
            state.step()
        return operators.equals(left_value, right_value)

    return equal


_SCALARS = frozenset({str, int, float, bool, type(None)})
_COLLECTIONS = (list, dict)
#: What a member access or call may raise, handled by :meth:`ExpressionCompiler.failed`.
_FAILURES = (UnknownMember, JavaException, SandboxRefusal, LimitReached)

_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "-": operators.subtract,
    "*": operators.multiply,
    "/": operators.divide,
    "%": operators.remainder,
}


def _source_text(expr: nodes.Expr) -> str:
    """What Velocity prints for a null operand of a string concatenation: its source."""
    return expr.source if isinstance(expr, nodes.Reference) else "null"
