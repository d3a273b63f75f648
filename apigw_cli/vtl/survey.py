"""What a template will do, read off its syntax tree once when it is compiled: whether each
of its steps takes time bounded by the size of its data, so that a render needs no deadline
timer, and which ``$context`` keys it reads, so that a render builds only those.

>>> from apigw_cli.vtl.parser import parse_template
>>> facts = survey(parse_template("$context.stage: $input.json('$.a')", "doc"))
>>> facts.bounded_steps, sorted(facts.context_keys or ())
(True, ['stage'])
>>> survey(parse_template("$input.body.matches('(a|aa)+')", "doc")).bounded_steps
False
"""

from __future__ import annotations

from apigw_cli.vtl import nodes

#: Methods that change nothing and take time linear in the size of their receiver and
#: arguments, on every type that has them. Without mutators, ``#set`` of a property and list
#: or map literals a template cannot make a value holding another twice, whose printing or
#: comparison grows faster than its data (``#set`` of a variable only names a value);
#: regular expressions (``matches``, ``split``...) can backtrack for ever; ``containsAll``
#: is quadratic.
_LINEAR_METHODS = frozenset(
    {
        # $input, $util
        "params",
        "getBody",
        "escapeJavaScript",
        "parseJson",
        "urlEncode",
        "urlDecode",
        "base64Encode",
        "base64Decode",
        # strings
        "length",
        "isEmpty",
        "charAt",
        "codePointAt",
        "equals",
        "equalsIgnoreCase",
        "compareTo",
        "compareToIgnoreCase",
        "contains",
        "startsWith",
        "endsWith",
        "indexOf",
        "lastIndexOf",
        "substring",
        "subSequence",
        "concat",
        "replace",
        "toLowerCase",
        "toUpperCase",
        "trim",
        "toString",
        "hashCode",
        "intern",
        # lists, maps, entries
        "size",
        "get",
        "getOrDefault",
        "containsKey",
        "containsValue",
        "keySet",
        "values",
        "entrySet",
        "subList",
        "getKey",
        "getValue",
        # numbers, booleans, characters
        "intValue",
        "longValue",
        "doubleValue",
        "booleanValue",
        "charValue",
    }
)
#: ``$input.path``/``json``: linear when the path is written in the template and has no deep
#: scan (``..``) or filter (``?(...)``), which nest into scans of scans, and no union
#: (``[0,0]``), which selects a node again and again.
_PATH_METHODS = frozenset({"path", "json"})


class TemplateFacts:
    """What :func:`survey` found (a plain class: a dataclass costs every start a little)."""

    __slots__ = ("bounded_steps", "context_keys")

    def __init__(self, bounded_steps: bool, context_keys: frozenset[str] | None) -> None:
        #: Every step takes time bounded by its data, so the checks between steps (each loop
        #: pass, call and comparison of collections) stop a long render in time without a
        #: timer, one step late at most.
        self.bounded_steps = bounded_steps
        #: The ``$context`` keys the template reads; None when it may read any (it prints
        #: ``$context``, calls its methods, passes it on or ``#evaluate``s text).
        self.context_keys = context_keys


def survey(block: nodes.Block) -> TemplateFacts:
    walk = _Survey()
    walk.block(block)
    keys = walk.context_keys
    return TemplateFacts(walk.bounded, None if keys is None else frozenset(keys))


class _Survey:
    def __init__(self) -> None:
        self.bounded = True
        self.context_keys: set[str] | None = set()

    def block(self, block: nodes.Block) -> None:
        for statement in block:
            self.statement(statement)

    def statement(self, statement: nodes.Statement) -> None:
        if isinstance(statement, nodes.Output | nodes.EscapedOutput):
            self.expression(statement.reference)
        elif isinstance(statement, nodes.If):
            for condition, body in statement.branches:
                self.expression(condition)
                self.block(body)
            self.block(statement.otherwise or ())
        elif isinstance(statement, nodes.Foreach):
            self.expression(statement.iterable)
            self.block(statement.body)
        elif isinstance(statement, nodes.Set):
            if statement.target.accessors:  # ``#set($a.b = $a)`` makes a map hold itself
                self.bounded = False
            self.expression(statement.target)
            self.expression(statement.value)
        elif isinstance(statement, nodes.MacroDefinition | nodes.Define):
            self.bounded = False
            self.block(statement.body)
        elif isinstance(statement, nodes.MacroCall):
            self.bounded = False
            for argument in statement.args:
                self.expression(argument)
        elif isinstance(statement, nodes.Evaluate):
            self.bounded = False
            self.context_keys = None  # the text it evaluates may read any key
            self.expression(statement.expression)
        # Text, Stop and Break read nothing.

    def expression(self, expr: nodes.Expr) -> None:
        if isinstance(expr, nodes.Reference):
            self.reference(expr)
        elif isinstance(expr, nodes.BinaryOp):
            self.expression(expr.left)
            self.expression(expr.right)
        elif isinstance(expr, nodes.Not):
            self.expression(expr.operand)
        elif isinstance(expr, nodes.Interpolated):
            self.block(expr.body)
        elif isinstance(expr, nodes.RangeLiteral):
            self.expression(expr.start)
            self.expression(expr.end)
        elif isinstance(expr, nodes.ListLiteral):
            self.bounded = False
            for item in expr.items:
                self.expression(item)
        elif isinstance(expr, nodes.MapLiteral):
            self.bounded = False
            for key, value in expr.entries:
                self.expression(key)
                self.expression(value)

    def reference(self, reference: nodes.Reference) -> None:
        accessors = reference.accessors
        if reference.name == "context" and self.context_keys is not None:
            first = accessors[0] if accessors else None
            if isinstance(first, nodes.Attribute):
                self.context_keys.add(first.name)
            else:
                self.context_keys = None
        for accessor in accessors:
            if isinstance(accessor, nodes.MethodCall):
                for argument in accessor.args:
                    self.expression(argument)
                if not _linear(accessor):
                    self.bounded = False
            elif isinstance(accessor, nodes.Index):
                self.expression(accessor.key)


def _linear(call: nodes.MethodCall) -> bool:
    if call.name in _LINEAR_METHODS:
        return True
    if call.name in _PATH_METHODS and len(call.args) == 1:
        path = _literal_text(call.args[0])
        return path is not None and not any(mark in path for mark in ("..", "(", ","))
    return False


def _literal_text(expr: nodes.Expr) -> str | None:
    """The text of a string written in the template, else None."""
    if isinstance(expr, nodes.Literal):
        return expr.value if isinstance(expr.value, str) else None
    if isinstance(expr, nodes.Interpolated) and all(isinstance(part, nodes.Text) for part in expr.body):
        return "".join(part.text for part in expr.body if isinstance(part, nodes.Text))
    return None
