"""Template structure: text, escapes, comments and directives, by Velocity 1.7's lexer rules.

Velocity decides what a template prints around directives in its lexer, and API Gateway
prints exactly that (spec §6.1: the real Velocity 1.7 reproduces AWS byte for byte apart
from null handling). The rules reproduced here, each checked against Velocity 1.7:

* A directive that ends its line eats the line break: after the ``)`` of ``#set``, ``#if``,
  ``#elseif``, ``#foreach``, ``#macro``, ``#define``, ``#evaluate`` and macro calls, and after
  ``#else``/``#end``, spaces/tabs then a line break are consumed.
* Spaces and tabs right before ``#set`` are eaten when they start a new lexer token, i.e.
  when no plain text precedes them on their line (template start, after a reference, a
  directive, a comment, a backslash or a lone ``$``/``#``, which are eaten with them).
  Before every other directive they print.
* ``##`` eats the rest of its line with the line break; ``#* ... *#`` eats nothing after it.
* ``\\`` before a reference or directive escapes it (see :class:`~apigw_cli.vtl.nodes.EscapedOutput`).

Expressions inside are parsed by :mod:`apigw_cli.vtl.expressions` (airspeed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apigw_cli.vtl import nodes
from apigw_cli.vtl.expressions import (
    ExpressionSyntaxError,
    parse_assignment,
    parse_condition,
    parse_reference,
    parse_value,
)
from apigw_cli.vtl.positions import syntax_error

_DIRECTIVE = re.compile(r"#(?:\{([a-zA-Z_][a-zA-Z0-9_]*)\}|([a-zA-Z_][a-zA-Z0-9_]*))")
_LINE_BREAK_AFTER = re.compile(r"[ \t]*(?:\r\n|\n|\r)")
_SET_OPENING = re.compile(r" *\(")
_OPENING = re.compile(r"\s*\(")
_CLOSING = re.compile(r"\s*\)")
_ARGUMENT_SEPARATOR = re.compile(r"[\s,]*")
_FOREACH_HEAD = re.compile(r"\s*\(\s*\$([a-zA-Z_][a-zA-Z0-9_-]*)\s+in\s+")
_MACRO_HEAD = re.compile(r"\s*\(\s*([a-zA-Z_][a-zA-Z0-9_-]*)((?:[\s,]+\$[a-zA-Z_][a-zA-Z0-9_-]*)*)\s*\)")
_DEFINE_HEAD = re.compile(r"\s*\(\s*\$([a-zA-Z_][a-zA-Z0-9_-]*)\s*\)")
_MACRO_PARAMETER = re.compile(r"\$([a-zA-Z_][a-zA-Z0-9_-]*)")
_REFERENCE_START = re.compile(r"\$!?\{?[a-zA-Z_]")
_TEXT = re.compile(r"[^$#\\]+")
_UNICODE_ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}")

#: Directives whose escaped form ``\#name`` prints the name instead of running it.
_KEYWORDS = frozenset(
    {"set", "if", "elseif", "else", "end", "foreach", "macro", "define", "evaluate", "stop", "break",
     "include", "parse"}
)  # fmt: skip
#: API Gateway has no template loader (spec §6.1).
_REFUSED = {"include": "#include", "parse": "#parse"}


def parse_template(source: str, name: str) -> nodes.Block:
    """Parse a whole template; raises :class:`~apigw_cli.errors.TemplateSyntaxError`."""
    try:
        return _Scanner(source, 0, len(source), in_string=False).scan()
    except ExpressionSyntaxError as exc:
        raise syntax_error(source, name, exc.offset, str(exc)) from exc


@dataclass
class _Frame:
    """An open block directive waiting for its ``#end``."""

    kind: str  # "root", "if", "foreach", "macro", "define"
    offset: int
    children: list[nodes.Statement] = field(default_factory=list)
    # if: the finished branches, the current condition, and the else block once seen
    branches: list[tuple[nodes.Expr, nodes.Block]] = field(default_factory=list)
    condition: nodes.Expr | None = None
    in_else: bool = False
    # foreach / macro / define
    variable: str = ""
    iterable: nodes.Expr | None = None
    parameters: tuple[str, ...] = ()


class _Scanner:
    """Scans ``source[start:end]``: a whole template, or the content of a "string"."""

    def __init__(self, source: str, start: int, end: int, *, in_string: bool) -> None:
        self.source = source
        self.pos = start
        self.end = end
        self.in_string = in_string
        self.frames = [_Frame("root", start)]
        # The lexer's current plain-text token, and a lone '$'/'#' that prefixes it.
        self.text: list[str] = []
        self.text_offset = start
        self.pending_symbol = ""

    # -- driver ---------------------------------------------------------------------------

    def scan(self) -> nodes.Block:
        source = self.source
        while self.pos < self.end:
            char = source[self.pos]
            if char == "$":
                self.scan_dollar()
            elif char == "#":
                self.scan_hash()
            elif char == "\\":
                self.scan_backslashes()
            else:
                match = _TEXT.match(source, self.pos, self.end)
                assert match is not None
                self.add_text(match.group())
                self.pos = match.end()
        self.flush_text()
        if len(self.frames) > 1:
            frame = self.frames[-1]
            raise ExpressionSyntaxError(f"#{frame.kind} is never closed by #end", frame.offset)
        return tuple(self.frames[0].children)

    def parse_string(self, start: int, end: int) -> nodes.Block:
        return _Scanner(self.source, start, end, in_string=True).scan()

    # -- text tokens ----------------------------------------------------------------------

    def add_text(self, text: str) -> None:
        if not self.text and not self.pending_symbol:
            self.text_offset = self.pos
        self.text.append(text)

    def flush_text(self) -> None:
        """End the current text token (the next character starts a new lexer token)."""
        text = self.pending_symbol + "".join(self.text)
        if text:
            if self.in_string:
                text = text.replace('""', '"')
            self.emit(nodes.Text(text, self.text_offset))
        self.text.clear()
        self.pending_symbol = ""

    def lone_symbol(self) -> None:
        """A ``$`` or ``#`` that starts nothing: Velocity carries it into the next token, and
        fails when the template ends before one comes (its lexer's EOF error)."""
        rest = self.source[self.pos : self.end]
        if not self.in_string and rest in ("$", "$!", "#"):
            raise ExpressionSyntaxError(f"the template ends with a lone {rest!r}, which Velocity 1.7 rejects", self.pos)
        self.flush_text()
        self.text_offset = self.pos
        self.pending_symbol = self.source[self.pos]
        self.pos += 1

    def start_directive(self) -> None:
        """End the text before a directive; a lone ``$``/``#`` right before it is absorbed
        into the directive's token and disappears, as in Velocity."""
        if not self.text:
            self.pending_symbol = ""
        self.flush_text()

    def emit(self, statement: nodes.Statement) -> None:
        self.frames[-1].children.append(statement)

    def eat_line_break(self) -> None:
        match = _LINE_BREAK_AFTER.match(self.source, self.pos, self.end)
        if match:
            self.pos = match.end()

    # -- $ --------------------------------------------------------------------------------

    def scan_dollar(self) -> None:
        parsed = self.reference_at(self.pos)
        if parsed is None:
            self.lone_symbol()
            return
        reference, end = parsed
        self.flush_text()
        self.emit(nodes.Output(reference))
        self.pos = end

    def reference_at(self, offset: int) -> tuple[nodes.Reference, int] | None:
        if not _REFERENCE_START.match(self.source, offset, self.end):
            return None
        parsed = parse_reference(self.source, offset, self.parse_string)
        if parsed is None or parsed[1] > self.end:
            return None
        return parsed

    # -- \ --------------------------------------------------------------------------------

    def scan_backslashes(self) -> None:
        source = self.source
        start = self.pos
        after = start
        while after < self.end and source[after] == "\\":
            after += 1
        count = after - start
        if self.in_string and _UNICODE_ESCAPE.match(source, after - 1, self.end):
            # Velocity decodes \uXXXX in a double-quoted string before interpolating it.
            self.add_text("\\" * (count - 1) + chr(int(source[after + 1 : after + 5], 16)))
            self.pos = after + 5
            return
        if after < self.end and source[after] == "#" and _DIRECTIVE.match(source, after, self.end) and not self.text:
            self.pending_symbol = ""  # absorbed into the escape's token, as in Velocity
        self.flush_text()
        self.text_offset = start
        if after < self.end and source[after] == "$":
            parsed = self.reference_at(after)
            if parsed is not None:
                reference, end = parsed
                if count % 2:
                    self.emit(nodes.EscapedOutput(reference, count))
                else:
                    self.emit(nodes.Text("\\" * (count // 2), start))
                    self.emit(nodes.Output(reference))
                self.pos = end
                return
        if after < self.end and source[after] == "#":
            match = _DIRECTIVE.match(source, after, self.end)
            name = match and (match.group(1) or match.group(2))
            if match and name == "set" and not _SET_OPENING.match(source, match.end(), self.end):
                name = None  # '#set' without '(' is text, so its backslashes are too
            if match and name in _KEYWORDS:
                if count % 2:
                    self.emit(nodes.Text("\\" * (count // 2) + match.group(), start))
                    self.pos = match.end()
                else:
                    self.emit(nodes.Text("\\" * (count // 2), start))
                    self.pos = after
                return
        self.emit(nodes.Text("\\" * count, start))
        self.pos = after

    # -- # --------------------------------------------------------------------------------

    def scan_hash(self) -> None:
        source = self.source
        start = self.pos
        if source.startswith("##", start):
            self.flush_text()
            newline = source.find("\n", start, self.end)
            self.pos = self.end if newline < 0 else newline + 1
            return
        if source.startswith("#*", start):
            self.start_directive()
            close = source.find("*#", start + 2, self.end)
            self.pos = self.end if close < 0 else close + 2
            return
        if source.startswith("#[[", start):
            close = source.find("]]#", start + 3, self.end)
            if close < 0:
                raise ExpressionSyntaxError("#[[ is never closed by ]]#", start)
            self.flush_text()
            self.emit(nodes.Text(source[start + 3 : close], start))
            self.pos = close + 3
            return
        match = _DIRECTIVE.match(source, start, self.end)
        if match is None:
            self.lone_symbol()
            return
        name = match.group(1) or match.group(2)
        handler = getattr(self, f"directive_{name}", None) if name in _KEYWORDS else None
        if handler is not None:
            handler(start, match.end())
        else:
            self.macro_call(name, start, match.end())

    def open_paren(self, keyword: str, offset: int) -> int:
        match = _OPENING.match(self.source, offset, self.end)
        if match is None:
            raise ExpressionSyntaxError(f"expected '(' after #{keyword}", offset)
        return match.end() - 1

    def closing_paren(self, keyword: str, offset: int) -> int:
        match = _CLOSING.match(self.source, offset, self.end)
        if match is None:
            raise ExpressionSyntaxError(f"expected ')' to close #{keyword}", offset)
        return match.end()

    def directive_set(self, start: int, after: int) -> None:
        if not _SET_OPENING.match(self.source, after, self.end):
            self.lone_symbol()
            return
        # Blank text right before #set belongs to the SET token, which Velocity discards.
        if "".join(self.text).strip(" \t") == "":
            self.text.clear()
            self.pending_symbol = ""
        self.flush_text()
        target, value, end = parse_assignment(self.source, after, self.parse_string)
        self.emit(nodes.Set(target, value, start))
        self.pos = end
        self.eat_line_break()

    def directive_if(self, start: int, after: int) -> None:
        self.start_directive()
        condition, self.pos = parse_condition(self.source, self.open_paren("if", after), self.parse_string)
        self.frames.append(_Frame("if", start, condition=condition))
        self.eat_line_break()

    def directive_elseif(self, start: int, after: int) -> None:
        self.start_directive()
        frame = self.frames[-1]
        if frame.kind != "if" or frame.in_else:
            raise ExpressionSyntaxError("#elseif without a matching #if", start)
        condition, self.pos = parse_condition(self.source, self.open_paren("elseif", after), self.parse_string)
        self.close_branch(frame)
        frame.condition = condition
        self.eat_line_break()

    def directive_else(self, start: int, after: int) -> None:
        self.start_directive()
        frame = self.frames[-1]
        if frame.kind != "if" or frame.in_else:
            raise ExpressionSyntaxError("#else without a matching #if", start)
        self.close_branch(frame)
        frame.in_else = True
        self.pos = after
        self.eat_line_break()

    @staticmethod
    def close_branch(frame: _Frame) -> None:
        assert frame.condition is not None
        frame.branches.append((frame.condition, tuple(frame.children)))
        frame.children = []

    def directive_end(self, start: int, after: int) -> None:
        self.start_directive()
        if len(self.frames) == 1:
            raise ExpressionSyntaxError("#end without a matching block directive", start)
        frame = self.frames.pop()
        body = tuple(frame.children)
        statement: nodes.Statement
        if frame.kind == "if":
            if frame.in_else:
                statement = nodes.If(tuple(frame.branches), body, frame.offset)
            else:
                assert frame.condition is not None
                statement = nodes.If((*frame.branches, (frame.condition, body)), None, frame.offset)
        elif frame.kind == "foreach":
            assert frame.iterable is not None
            statement = nodes.Foreach(frame.variable, frame.iterable, body, frame.offset)
        elif frame.kind == "macro":
            statement = nodes.MacroDefinition(frame.variable, frame.parameters, body, frame.offset)
        else:
            statement = nodes.Define(frame.variable, body, frame.offset)
        self.emit(statement)
        self.pos = after
        self.eat_line_break()

    def directive_foreach(self, start: int, after: int) -> None:
        self.start_directive()
        head = _FOREACH_HEAD.match(self.source, after, self.end)
        if head is None:
            raise ExpressionSyntaxError("expected ($item in $list) after #foreach", after)
        parsed = parse_value(self.source, head.end(), self.parse_string)
        if parsed is None:
            raise ExpressionSyntaxError("expected a list to iterate over", head.end())
        iterable, value_end = parsed
        self.pos = self.closing_paren("foreach", value_end)
        self.frames.append(_Frame("foreach", start, variable=head.group(1), iterable=iterable))
        self.eat_line_break()

    def directive_macro(self, start: int, after: int) -> None:
        self.start_directive()
        head = _MACRO_HEAD.match(self.source, after, self.end)
        if head is None:
            raise ExpressionSyntaxError("expected (name $parameter ...) after #macro", after)
        parameters = tuple(_MACRO_PARAMETER.findall(head.group(2)))
        self.frames.append(_Frame("macro", start, variable=head.group(1), parameters=parameters))
        self.pos = head.end()
        self.eat_line_break()

    def directive_define(self, start: int, after: int) -> None:
        self.start_directive()
        head = _DEFINE_HEAD.match(self.source, after, self.end)
        if head is None:
            raise ExpressionSyntaxError("expected ($name) after #define", after)
        self.frames.append(_Frame("define", start, variable=head.group(1)))
        self.pos = head.end()
        self.eat_line_break()

    def directive_evaluate(self, start: int, after: int) -> None:
        self.start_directive()
        parsed = parse_value(self.source, self.open_paren("evaluate", after) + 1, self.parse_string)
        if parsed is None:
            raise ExpressionSyntaxError("expected a value to evaluate", after)
        expression, value_end = parsed
        self.pos = self.closing_paren("evaluate", value_end)
        self.emit(nodes.Evaluate(expression, start))
        self.eat_line_break()

    def directive_stop(self, start: int, after: int) -> None:
        self.start_directive()
        self.emit(nodes.Stop(start))
        self.pos = after
        self.eat_line_break()

    def directive_break(self, start: int, after: int) -> None:
        self.start_directive()
        self.emit(nodes.Break(start))
        self.pos = after
        self.eat_line_break()

    def directive_include(self, start: int, after: int) -> None:
        self.refuse("include", start)

    def directive_parse(self, start: int, after: int) -> None:
        self.refuse("parse", start)

    def refuse(self, name: str, start: int) -> None:
        raise ExpressionSyntaxError(
            f"{_REFUSED[name]} is not available in API Gateway mapping templates (no other template can be loaded)",
            start,
        )

    def macro_call(self, name: str, start: int, after: int) -> None:
        """``#name(args)`` or ``#name``: a macro call when the macro exists at render time;
        otherwise Velocity prints it as written, the line break it ate included."""
        self.flush_text()
        if not _OPENING.match(self.source, after, self.end):
            self.emit(nodes.MacroCall(name, (), self.source[start:after], start))
            self.pos = after
            return
        pos = self.open_paren(name, after) + 1
        args: list[nodes.Expr] = []
        while True:
            separator = _ARGUMENT_SEPARATOR.match(self.source, pos, self.end) if pos <= self.end else None
            if separator is None:  # an argument ran past the end of the enclosing string
                raise ExpressionSyntaxError(f"the call of #{name} does not end with ')'", start)
            pos = separator.end()
            if self.source.startswith(")", pos):
                pos += 1
                break
            parsed = parse_value(self.source, pos, self.parse_string)
            if parsed is None:
                raise ExpressionSyntaxError(f"expected an argument or ')' in the call of #{name}", pos)
            argument, pos = parsed
            args.append(argument)
        self.pos = pos
        self.eat_line_break()
        self.emit(nodes.MacroCall(name, tuple(args), self.source[start : self.pos], start))
