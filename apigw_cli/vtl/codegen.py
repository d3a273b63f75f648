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

from apigw_cli.vtl import nodes, operators

if TYPE_CHECKING:
    from apigw_cli.vtl.compiler import Compiler
    from apigw_cli.vtl.runtime import RenderState, Run

#: ``#if`` nesting written inline; deeper ones are called (Python refuses deep nesting).
_MAX_INLINE_DEPTH = 8
#: Branches of one ``#if`` written inline: Python's compiler nests each ``elif`` a level deeper.
_MAX_INLINE_BRANCHES = 32
#: Lines a statement may take (an output of a reference with a few steps).
_LINES_PER_STATEMENT = 10
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
    function.add(1, "write = state.out.write")
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
            function.add(depth, f"write({function.constant(statement.text)})")
        elif isinstance(statement, nodes.Output):
            _emit_reference(compiler, function, statement.reference, depth)
            other = function.constant(compiler.output_other(statement.reference.offset))
            function.add(depth, "if type(value) is str:")
            function.add(depth + 1, "write(value)")
            function.add(depth, "elif value is not None:")
            function.add(depth + 1, f"{other}(state, value)")
        elif (
            isinstance(statement, nodes.If)
            and depth < _MAX_INLINE_DEPTH
            and len(statement.branches) <= _MAX_INLINE_BRANCHES
            and len(function.lines) + _LINES_PER_STATEMENT * _size(statement) < _MAX_LINES
        ):
            for index, (condition, body) in enumerate(statement.branches):
                if index == 0 and isinstance(condition, nodes.Reference):
                    # A reference as a condition: evaluated in line, judged by the compiler's rule.
                    _emit_reference(compiler, function, condition, depth)
                    function.add(depth, f"if {function.constant(operators.is_true_reference)}(value):")
                else:
                    keyword = "if" if index == 0 else "elif"
                    function.add(depth, f"{keyword} {function.constant(compiler.condition(condition))}(state):")
                _emit(compiler, function, compiler.merged(body), depth + 1)
            if statement.otherwise is not None:
                function.add(depth, "else:")
                _emit(compiler, function, compiler.merged(statement.otherwise), depth + 1)
        else:
            function.add(depth, f"{function.constant(compiler.statement(statement))}(state)")


def _emit_reference(compiler: Compiler, function: _Function, reference: nodes.Reference, depth: int) -> None:
    """``value = $reference``, in line: the variable, then each step while not null."""
    name = function.constant(reference.name)
    function.add(depth, f"value = variables.get({name}) if state.scope is None else state.lookup({name})")
    for attribute, step in compiler.reference_plan(reference):
        function.add(depth, "if value is not None:")
        call = f"{function.constant(step)}(state, value)"
        if attribute is None:
            function.add(depth + 1, f"value = {call}")
        else:
            function.add(
                depth + 1, f"value = value.get({function.constant(attribute)}) if type(value) is dict else {call}"
            )


def _size(statement: nodes.If) -> int:
    """Statements an ``#if`` writes in line (its branches', not nested ones')."""
    return sum(len(body) for _, body in statement.branches) + len(statement.otherwise or ())
