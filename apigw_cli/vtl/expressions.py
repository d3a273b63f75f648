"""VTL expressions, parsed by airspeed and turned into :mod:`~apigw_cli.vtl.nodes`.

airspeed (LocalStack's ``airspeed-ext`` fork) parses references, literals, operators and the
``#set`` target; this module is the only one that imports it. The template structure around
expressions (text, escapes, comments, directives and the whitespace Velocity's lexer eats)
is :mod:`apigw_cli.vtl.parser`'s, because airspeed's own rules for it differ from Velocity
1.7's (spec §6.1). airspeed-ext was chosen over upstream airspeed 0.7.1 because it parses
every template of the shared conformance corpus (225/225 against 214/225: bracket
assignments ``#set($m[$k] = ..)``, ``""`` inside strings, backslashes in literals).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from airspeed import operators as _as

from apigw_cli.vtl import nodes

#: Parses ``source[start:end]``, the content of a double-quoted string literal, as a template.
TextParser = Callable[[int, int], nodes.Block]

#: Velocity's binary operators from loosest to tightest binding; word forms are aliases.
_PRECEDENCE = {
    "||": 1, "or": 1,
    "&&": 2, "and": 2,
    "==": 3, "!=": 3, "eq": 3, "ne": 3,
    "<": 4, "<=": 4, ">": 4, ">=": 4, "lt": 4, "le": 4, "gt": 4, "ge": 4,
    "+": 5, "-": 5,
    "*": 6, "/": 6, "%": 6,
}  # fmt: skip
_OPERATOR_ALIASES = {"or": "||", "and": "&&", "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}

#: airspeed's "line L, column C: expected X in Y, got: ..." message; the parser adds the place.
_AIRSPEED_MESSAGE = re.compile(r"column \d+: (expected .*?), got:", re.S)
#: Velocity 1.7 forms airspeed misses: ``'It''s'``, ``3.``/``1e2``/``.5``, ``#set($a-b = ..)``
#: and ``#set(${a.b} = ..)``.
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'(.*)", re.S)
_FLOAT = re.compile(r"(-?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|-?\d+[eE][-+]?\d+)(.*)", re.S)
_ASSIGNMENT_START = re.compile(r"\s*\(\s*\$\{?([a-zA-Z_][\w-]*)(.*)$", re.S)
_ASSIGNMENT_EQUALS = re.compile(r"\s*\}?\s*=\s*(.*)$", re.S)
#: A reference with properties only: what Velocity reads when a call or index is unfinished.
_PLAIN_REFERENCE = re.compile(r"\$(!?)([a-zA-Z_][\w-]*)((?:\.[a-zA-Z_][\w-]*)*)")
_patched = False


def _patch_airspeed() -> None:
    """Widen airspeed's patterns to the Velocity 1.7 forms above. Done once per process:
    the patterns are class attributes shared by every parse."""
    global _patched
    if not _patched:
        _as.StringLiteral.STRING = _SINGLE_QUOTED
        _as.FloatingPointLiteral.FLOAT = _FLOAT
        _as.Assignment.START = _ASSIGNMENT_START
        _as.Assignment.TERMS_END = _ASSIGNMENT_EQUALS
        _patched = True


class ExpressionSyntaxError(Exception):
    """An expression airspeed cannot parse; ``offset`` is where it stopped understanding."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def _element(kind: type[Any], source: str, offset: int) -> Any:
    """Parse one airspeed element at ``offset``; ``None`` when none starts there."""
    _patch_airspeed()
    try:
        return kind("<template>", source, offset)
    except _as.NoMatch:
        return None
    except _as.TemplateSyntaxError as exc:
        expected = _AIRSPEED_MESSAGE.search(str(exc))
        message = expected.group(1) if expected else "invalid expression"
        text = exc.element.full_text()
        error_offset = exc.element.end
        if text is not source:
            # airspeed parses a "string literal" on its own: place its error in the template.
            base = source.find(text, offset)
            error_offset = base + error_offset if base >= 0 else offset
        found = source[error_offset : error_offset + 20].split("\n", 1)[0]
        message += f", found {found!r}" if found else ", found the end of the template"
        raise ExpressionSyntaxError(message, error_offset) from exc


def parse_reference(source: str, offset: int, parse_text: TextParser) -> tuple[nodes.Reference, int] | None:
    """A reference in template text at ``offset`` (a ``$``), with the offset after it.

    ``None`` when ``$`` starts no reference (``$1``, ``$ ``): it is then plain text. A root
    name cannot be called in Velocity, so ``$a(1)`` is ``$a`` followed by the text ``(1)``,
    and an unfinished call or index ends the reference: ``$s.trim(`` is ``$s.trim`` then ``(``.
    """
    try:
        element = _element(_as.FormalReference, source, offset)
    except ExpressionSyntaxError:
        plain = _PLAIN_REFERENCE.match(source, offset)
        if plain is None:
            raise
        return _plain_reference(plain), plain.end()
    if element is None or element.expression is None:
        return None
    root = element.expression.part
    if root.parameters is not None:
        if source.startswith("{", offset + 1) or source.startswith("!{", offset + 1):
            raise ExpressionSyntaxError("a reference name cannot be called", root.parameters.start)
        end = root.start + len(root.name)
        return nodes.Reference(root.name, (), source[offset:end], offset), end
    return _reference(element, source, parse_text), element.end


def _plain_reference(match: re.Match[str]) -> nodes.Reference:
    offset = match.start()
    position = match.start(3)
    accessors: list[nodes.Accessor] = []
    for name in match.group(3).split(".")[1:]:
        accessors.append(nodes.Attribute(name, position + 1))
        position += len(name) + 1
    return nodes.Reference(match.group(2), tuple(accessors), match.group(), offset)


def parse_condition(source: str, offset: int, parse_text: TextParser) -> tuple[nodes.Expr, int]:
    """A parenthesised expression at ``offset`` (a ``(``), as in ``#if(...)``."""
    element = _element(_as.ParenthesizedExpression, source, offset)
    if element is None:
        raise ExpressionSyntaxError("expected a condition in parentheses", offset)
    return _expression(element.calculate.__self__, source, parse_text), element.end


def parse_value(source: str, offset: int, parse_text: TextParser) -> tuple[nodes.Expr, int] | None:
    """One value (a literal, a reference, a list, a map...) at ``offset``, or ``None``."""
    element = _element(_as.Value, source, offset)
    if element is None:
        return None
    return _value(element, source, parse_text), element.end


def parse_assignment(source: str, offset: int, parse_text: TextParser) -> tuple[nodes.Reference, nodes.Expr, int]:
    """The ``($target = value)`` of a ``#set`` at ``offset``; returns the offset after ``)``."""
    element = _element(_as.Assignment, source, offset)
    if element is None:
        raise ExpressionSyntaxError("expected ($name = value) after #set", offset)
    accessors: list[nodes.Accessor] = []
    for term in element.terms:
        inner = term.term
        if isinstance(inner, _as.DotDictAccessTerm):
            accessors.append(nodes.Attribute(inner.value, inner.start + 1))
        else:
            accessors.append(nodes.Index(_value(inner.value, source, parse_text), inner.start))
    # airspeed's match also swallows the line break after ')'; the parser decides on that.
    end = source.rindex(")", offset, element.end) + 1
    name_offset = source.index("$", offset)
    target = nodes.Reference(element.root_term, tuple(accessors), source[name_offset:end], name_offset)
    return target, _expression(element.value, source, parse_text), end


# ---------------------------------------------------------------------------------------------
# Conversion of airspeed's elements


def _reference(element: Any, source: str, parse_text: TextParser) -> nodes.Reference:
    accessors: list[nodes.Accessor] = []
    if element.expression is None:
        raise ExpressionSyntaxError("expected a name after '$'", element.start)
    root = element.expression.part
    if root.parameters is not None:
        raise ExpressionSyntaxError("a reference name cannot be called", root.parameters.start)
    if root.index is not None:
        accessors.append(nodes.Index(_index(root.index, source, parse_text), root.index.start))
    _accessors(element.expression.subexpression, accessors, source, parse_text)
    if element.alternate is not None:
        raise ExpressionSyntaxError("alternate values ${a|b} are not Velocity 1.7", element.alternate.start)
    return nodes.Reference(root.name, tuple(accessors), source[element.start : element.end], element.start)


def _accessors(sub: Any, out: list[nodes.Accessor], source: str, parse_text: TextParser) -> None:
    while sub is not None:
        if isinstance(sub.expression, _as.ArrayIndex):
            out.append(nodes.Index(_index(sub.expression, source, parse_text), sub.expression.start))
            sub = sub.subexpression
            continue
        variable = sub.expression
        part = variable.part
        if part.parameters is not None:
            args = tuple(_value(value, source, parse_text) for value in _values(part.parameters.values))
            out.append(nodes.MethodCall(part.name, args, part.start))
        else:
            out.append(nodes.Attribute(part.name, part.start))
        if part.index is not None:
            out.append(nodes.Index(_index(part.index, source, parse_text), part.index.start))
        sub = variable.subexpression


def _values(value_list: Any) -> list[Any]:
    return list(getattr(value_list, "values", []))


def _index(array_index: Any, source: str, parse_text: TextParser) -> nodes.Expr:
    return _atom(array_index.index, source, parse_text)


def _value(element: Any, source: str, parse_text: TextParser) -> nodes.Expr:
    return _atom(element.expression, source, parse_text)


def _atom(element: Any, source: str, parse_text: TextParser) -> nodes.Expr:
    offset = element.start
    if isinstance(element, _as.FormalReference):
        return _reference(element, source, parse_text)
    if isinstance(element, _as.BooleanLiteral):
        text = source[offset : element.end]
        if text not in ("true", "false"):
            raise ExpressionSyntaxError(f"{text!r} is not a literal (Velocity writes true/false)", offset)
        return nodes.Literal(text == "true", offset)
    if isinstance(element, _as.IntegerLiteral | _as.FloatingPointLiteral | _as.NullLiteral):
        return nodes.Literal(element.value, offset)
    if isinstance(element, _as.InterpolatedStringLiteral):
        content = source[offset + 1 : element.end - 1]
        if not any(char in content for char in "$#\\"):
            return nodes.Literal(content.replace('""', '"'), offset)
        return nodes.Interpolated(parse_text(offset + 1, element.end - 1), offset)
    if isinstance(element, _as.StringLiteral):
        return nodes.Literal(source[offset + 1 : element.end - 1].replace("''", "'"), offset)
    if isinstance(element, _as.ArrayLiteral):
        values = element.values
        if isinstance(values, _as.Range):
            return nodes.RangeLiteral(
                _atom(values.value1, source, parse_text), _atom(values.value2, source, parse_text), offset
            )
        return nodes.ListLiteral(tuple(_value(item, source, parse_text) for item in _values(values)), offset)
    if isinstance(element, _as.DictionaryLiteral):
        entries = tuple(
            (_value(key, source, parse_text), _value(value, source, parse_text))
            for key, value in element.local_data.items()
        )
        return nodes.MapLiteral(entries, offset)
    if isinstance(element, _as.ParenthesizedExpression):
        return _expression(element.calculate.__self__, source, parse_text)
    if isinstance(element, _as.UnaryOperatorValue):
        return nodes.Not(_value(element.value, source, parse_text), offset)
    if isinstance(element, _as.Value):
        return _value(element, source, parse_text)
    raise ExpressionSyntaxError(f"unsupported expression {source[offset : element.end]!r}", offset)


def _expression(element: Any, source: str, parse_text: TextParser) -> nodes.Expr:
    """airspeed keeps ``a op b op c`` flat; build the tree with Velocity's precedence."""
    terms = element.expression
    operands = [_value(terms[0], source, parse_text)]
    operators: list[tuple[str, int]] = []

    def reduce() -> None:
        op, op_offset = operators.pop()
        right = operands.pop()
        left = operands.pop()
        operands.append(nodes.BinaryOp(op, left, right, op_offset))

    for index in range(1, len(terms), 2):
        op_element = terms[index]
        word = source[op_element.start : op_element.end].strip()
        if word not in _PRECEDENCE:
            raise ExpressionSyntaxError(f"unknown operator {word!r}", op_element.start)
        while operators and _PRECEDENCE[operators[-1][0]] >= _PRECEDENCE[word]:
            reduce()
        operators.append((_OPERATOR_ALIASES.get(word, word), op_element.start))
        operands.append(_value(terms[index + 1], source, parse_text))
    while operators:
        reduce()
    return operands[0]
