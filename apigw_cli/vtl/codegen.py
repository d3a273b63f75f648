"""A block of statements as one generated Python function, built once per template.

The statements that make up most of a template's work (text, ``$reference`` output,
``#if``/``#elseif``/``#else``) become straight-line Python in that function; the others, and
every expression, stay the compiler's closures, which the function calls. This removes a
function call and a loop step per statement, which is most of what a loop body costs.

Only names apigw makes appear in the generated source: the template's text, values and
names reach the function as objects in its namespace, never as code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apigw_cli.vtl import nodes

if TYPE_CHECKING:
    from apigw_cli.vtl.compiler import Compiler
    from apigw_cli.vtl.runtime import RenderState, Run

#: ``#if`` nesting written inline; deeper ones are called (Python refuses deep nesting).
_MAX_INLINE_DEPTH = 8
#: Branches of one ``#if`` written inline: Python's compiler nests each ``elif`` a level deeper.
_MAX_INLINE_BRANCHES = 32
#: Lines a statement may take (an output of a reference with a few steps).
_LINES_PER_STATEMENT = 10
#: Method calls in the arguments of method calls evaluated in line; deeper ones are called.
_MAX_ARGUMENT_NESTING = 2
#: Steps (accessors, arguments) of a reference written in line; longer ones are called.
_MAX_INLINE_STEPS = 12
#: Lines of one generated function. Past them statements are called: CPython's compiler needs
#: memory and time out of proportion for huge functions, which the deadline cannot interrupt.
_MAX_LINES = 1500


class _Function:
    """The source and namespace of one generated function."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {}

    def constant(self, value: Any) -> str:
        """A name in the namespace bound to ``value``."""
        name = f"k{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def add(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)


def generate_block(compiler: Compiler, statements: list[nodes.Statement]) -> Run:
    """One function running ``statements`` (text already merged); a block too long for one
    function runs them as called closures, as before code generation."""
    if len(statements) > _MAX_LINES // _LINES_PER_STATEMENT:
        runs = [compiler.statement(statement) for statement in statements]

        def run_statements(state: RenderState) -> None:
            for run in runs:
                run(state)

        return run_statements
    function = _Function()
    function.add(0, "def run_block(state):")
    function.add(1, "out = state.out")
    function.add(1, "write = out.write")
    function.add(1, "append = out.parts.append")
    function.add(1, "variables = state.variables")
    _emit(compiler, function, statements, 1)
    code = compile("\n".join(function.lines), "<template>", "exec")
    exec(code, function.namespace)  # noqa: S102 - apigw's own source; see the module docstring
    run: Run = function.namespace["run_block"]
    return run


def _emit(compiler: Compiler, function: _Function, statements: list[nodes.Statement], depth: int) -> None:
    if not statements:
        function.add(depth, "pass")
    for statement in statements:
        if isinstance(statement, nodes.Text):
            _emit_write(function, depth, function.constant(statement.text), str(len(statement.text)))
        elif isinstance(statement, nodes.Output) and _inlined(statement.reference):
            _emit_reference(compiler, function, statement.reference, depth, "value")
            other = function.constant(compiler.output_other(statement.reference.offset))
            function.add(depth, "if type(value) is str:")
            _emit_write(function, depth + 1, "value", "len(value)")
            function.add(depth, "elif type(value) is int:")  # Java's Integer/Long toString
            function.add(depth + 1, "write(str(value))")
            function.add(depth, "elif value is not None:")
            function.add(depth + 1, f"{other}(state, value)")
        elif (
            isinstance(statement, nodes.If)
            and depth < _MAX_INLINE_DEPTH
            and len(statement.branches) <= _MAX_INLINE_BRANCHES
            and len(function.lines) + _LINES_PER_STATEMENT * _size(statement) < _MAX_LINES
        ):
            for index, (condition, body) in enumerate(statement.branches):
                if index == 0 and isinstance(condition, nodes.Reference) and _inlined(condition):
                    # A reference as a condition, evaluated in line: operators.is_true_reference
                    # (only a real false is false on AWS), in line too.
                    _emit_reference(compiler, function, condition, depth, "value")
                    function.add(depth, "if value is not False:")
                else:
                    keyword = "if" if index == 0 else "elif"
                    function.add(depth, f"{keyword} {function.constant(compiler.condition(condition))}(state):")
                _emit(compiler, function, compiler.merged(body), depth + 1)
            if statement.otherwise is not None:
                function.add(depth, "else:")
                _emit(compiler, function, compiler.merged(statement.otherwise), depth + 1)
        else:
            function.add(depth, f"{function.constant(compiler.statement(statement))}(state)")


def _emit_write(function: _Function, depth: int, text: str, size: str) -> None:
    """:meth:`~apigw_cli.vtl.runtime.Writer.write` of ``text`` (``size`` characters), in line."""
    function.add(depth, f"append({text})")
    function.add(depth, f"out.size += {size}")
    function.add(depth, "if out.size > out.limit:")
    function.add(depth + 1, "raise out.overflow()")


def _emit_reference(
    compiler: Compiler, function: _Function, reference: nodes.Reference, depth: int, target: str, nesting: int = 0
) -> None:
    """``target = $reference``, in line: the variable, then each step while not null; a
    method's arguments that are references or literals are evaluated in line too."""
    name = function.constant(reference.name)
    function.add(depth, f"{target} = variables.get({name}) if state.scope is None else state.lookup({name})")
    for accessor, (attribute, step) in zip(reference.accessors, compiler.reference_plan(reference), strict=True):
        function.add(depth, f"if {target} is not None:")
        if attribute is not None:
            call = f"{function.constant(step)}(state, {target})"
            function.add(
                depth + 1,
                f"{target} = {target}.get({function.constant(attribute)}) if type({target}) is dict else {call}",
            )
        elif isinstance(accessor, nodes.MethodCall) and nesting < _MAX_ARGUMENT_NESTING:
            arguments = [_emit_argument(compiler, function, argument, depth + 1, nesting) for argument in accessor.args]
            invoke = function.constant(compiler.invocation(accessor))
            function.add(depth + 1, f"{target} = {invoke}(state, {target}, [{', '.join(arguments)}])")
        else:
            function.add(depth + 1, f"{target} = {function.constant(step)}(state, {target})")


def _emit_argument(compiler: Compiler, function: _Function, argument: nodes.Expr, depth: int, nesting: int) -> str:
    """The name of a method argument's value: a literal's constant, a reference evaluated in
    line, or the value of the compiled expression."""
    if isinstance(argument, nodes.Literal):
        return function.constant(argument.value)
    variable = f"a{len(function.namespace)}"
    function.namespace[variable] = None  # reserves the number; the variable is the function's local
    if isinstance(argument, nodes.Reference):
        _emit_reference(compiler, function, argument, depth, variable, nesting + 1)
    else:
        function.add(depth, f"{variable} = {function.constant(compiler.expression(argument))}(state)")
    return variable


def _inlined(reference: nodes.Reference) -> bool:
    """Whether a reference is short enough to be written in line (each step is two lines)."""
    return _steps(reference) <= _MAX_INLINE_STEPS


def _steps(expr: nodes.Expr, nesting: int = 0) -> int:
    if isinstance(expr, nodes.Literal):
        return 0
    if not isinstance(expr, nodes.Reference):
        return 1
    if nesting > _MAX_ARGUMENT_NESTING:
        return _MAX_INLINE_STEPS + 1
    count = 1
    for accessor in expr.accessors:
        count += 1
        if isinstance(accessor, nodes.MethodCall):
            count += sum(_steps(argument, nesting + 1) for argument in accessor.args)
        elif isinstance(accessor, nodes.Index):
            count += _steps(accessor.key, nesting + 1)
        if count > _MAX_INLINE_STEPS:
            break  # a reference may have thousands of steps: stop counting
    return count


def _size(statement: nodes.If) -> int:
    """Statements an ``#if`` writes in line (its branches', not nested ones')."""
    return sum(len(body) for _, body in statement.branches) + len(statement.otherwise or ())
