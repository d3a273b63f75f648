"""Static checks: what the text of a template shows without rendering it.

The checks read the template as API Gateway's VTL sees it: comments are blanked out (their
positions kept, so findings name the right line and column), references and directives are
VTL code, the rest is output text; quotes in the output text tell whether a reference lands
inside a JSON string.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from apigw_cli.errors import TemplateError, TemplatePositionError
from apigw_cli.lint.report import Finding
from apigw_cli.vtl.parser import parse_template
from apigw_cli.vtl.positions import position

#: ``$name.member(args).member[index]``, with ``$!`` and ``${...}`` forms.
#: A call's arguments: quoted strings (which may hold parentheses), and nested calls.
_ARGUMENT = r"""(?:'[^']*'|"[^"]*"|[^()'"]|\((?:'[^']*'|"[^"]*"|[^()'"]|\((?:'[^']*'|"[^"]*"|[^()'"])*\))*\))*"""
_REFERENCE = re.compile(
    r"\$!?(\{)?([A-Za-z_][\w-]*)((?:\.[A-Za-z_]\w*(?:\(" + _ARGUMENT + r"\))?|\[[^\]]*\])*)(?(1)\})"
)
#: Directives and macro calls: their arguments are code, not output.
_DIRECTIVE = re.compile(r"#\{?([A-Za-z_][\w-]*)\}?\s*\(")
_LINE_COMMENT = re.compile(r"##[^\n]*")
_BLOCK_COMMENT = re.compile(r"#\*.*?\*#", re.S)
_UNPARSED = re.compile(r"#\[\[.*?\]\]#", re.S)
_MEMBER = re.compile(r"\.([A-Za-z_]\w*)(\()?")
_SET = re.compile(r"#\{?set\}?\s*\(\s*\$!?\{?([A-Za-z_][\w-]*)\}?\s*=")
_FOREACH = re.compile(r"#\{?foreach\}?\s*\(\s*\$!?\{?[A-Za-z_][\w-]*\}?\s+in\s+\$!?\{?(input|util)\b")
_UNSUPPORTED = re.compile(r"#\{?(include|parse|evaluate)\}?\s*\(")
_PARAMS_NULL = re.compile(
    r"\$!?\{?input\.params\([^)]*\)\}?\s*[!=]=\s*(?:\$!?\{?null\}?|null)\b"
    r"|(?:\$!?\{?null\}?|\bnull)\s*[!=]=\s*\$!?\{?input\.params\("
)
#: ``#set($ignore = $map.put(...))``: the idiom for a call made for its effect.
_SIDE_EFFECT = re.compile(r"\.(put|putAll|putIfAbsent|add|addAll|remove|removeAll|removeIf|clear|set|replaceAll)\(")
_DISABLE = re.compile(r"##\s*apigw:\s*disable=([\w-]+(?:\s*,\s*[\w-]+)*)")
_DISABLE_FILE = re.compile(r"##\s*apigw:\s*disable-file=([\w-]+(?:\s*,\s*[\w-]+)*)")
#: A whole line that is only a directive (#set...), which writes nothing.
_DIRECTIVE_LINE = re.compile(r"^[ \t]*#\{?(?:set|if|elseif|else|end|foreach|macro|define)\b[^\n]*$", re.M)

#: What exists on API Gateway's objects (spec §6.3, §6.5).
INPUT_MEMBERS = frozenset({"body", "json", "params", "path"})
UTIL_MEMBERS = frozenset({"escapeJavaScript", "parseJson", "urlEncode", "urlDecode", "base64Encode", "base64Decode"})
#: ``$context`` values under which anything may be (the authorizer's claims, overrides).
_OPEN_CONTEXT = frozenset({"authorizer", "requestOverride", "responseOverride"})
#: ``$context`` values that are not text, so they may stand unquoted in JSON.
_CONTEXT_NOT_TEXT = frozenset({"requestTimeEpoch", "error.messageString", "isCanaryRequest", "responseLatency"})
#: Python methods people reach for, and Java's name for each (or None).
PYTHON_METHODS = {
    "upper": "toUpperCase()", "lower": "toLowerCase()", "strip": "trim()", "lstrip": None, "rstrip": None,
    "startswith": "startsWith(...)", "endswith": "endsWith(...)", "append": "add(...)", "extend": "addAll(...)",
    "items": "entrySet()", "keys": "keySet()", "find": "indexOf(...)", "count": None, "title": None,
    "capitalize": None, "isdigit": "matches(\"[0-9]+\")", "format": None, "join": None, "len": "size() or length()",
}  # fmt: skip


#: Where a check reports: (rule, offset in the text, message).
Report = Callable[[str, int, str], None]


@dataclass(frozen=True)
class _Reference:
    start: int
    end: int
    name: str
    chain: str
    in_string: bool
    #: The last output character before the reference (outside strings), for JSON value position.
    before: str
    #: How many characters come before the name: ``$``, ``$!``, ``${``, ``$!{``.
    prefix: int = 1


def static_findings(
    text: str, source: str, context_names: dict[str, object], content_type: str | None
) -> list[Finding]:
    """The static findings of one template. ``context_names`` is ``$context`` as apigw builds
    it (its keys say which members exist); ``content_type`` says whether the output is JSON
    (``None``: what the template's text looks like), for the JSON rules."""
    code = _blank_comments(text)
    try:
        parse_template(text, source)
    except TemplatePositionError as error:
        if not _UNSUPPORTED.search(code):  # those get their own rule, below
            return [Finding("syntax-error", source, error.line, error.column, error.message)]
    except TemplateError as error:
        return [Finding("syntax-error", source, 1, 1, error.message)]
    except RecursionError:
        return [Finding("syntax-error", source, 1, 1, "the template nests too deeply to read")]
    findings: list[Finding] = []

    def add(rule: str, offset: int, message: str) -> None:
        line, column, _ = position(text, offset)
        findings.append(Finding(rule, source, line, column, message))

    references = _references(code)
    json_output = _writes_json(code, content_type)
    for reference in references:
        _check_reference(reference, add, context_names, json_output)
    for match in _PARAMS_NULL.finditer(code):
        add("params-null", match.start(), '$input.params(...) is never null on AWS (a missing one is "")')
    for match in _FOREACH.finditer(code):
        add("foreach-input", match.start(), f"#foreach over ${match.group(1)} data stops after 1,000 items on AWS")
    for match in _UNSUPPORTED.finditer(code):
        add("unsupported-directive", match.start(), f"#{match.group(1)} is not available in API Gateway")
    targets = {code.index("$", match.start()) for match in _SET.finditer(code)}
    used = {reference.name for reference in references if reference.start not in targets}
    for match in _SET.finditer(code):
        name = match.group(1)
        assigned = code[match.end() : _closing_parenthesis(code, code.index("(", match.start()))]
        if name not in used and not name.startswith("context") and not _SIDE_EFFECT.search(assigned):
            add("unused-set", match.start(), f"${name} is set but never used")
    return _not_disabled(findings, text)


def _check_reference(
    reference: _Reference, report: Report, context_names: dict[str, object], json_output: bool
) -> None:
    members = _members(reference.chain)
    name, chain = reference.name, reference.chain
    if name == "input" and members and members[0][0] not in INPUT_MEMBERS:
        report(
            "unknown-member",
            reference.start,
            f"$input has no {members[0][0]} (it has {', '.join(sorted(INPUT_MEMBERS))})",
        )
    if name == "util" and members and members[0][0] not in UTIL_MEMBERS:
        report(
            "unknown-member",
            reference.start,
            f"$util has no {members[0][0]} (it has {', '.join(sorted(UTIL_MEMBERS))})",
        )
    if name == "context" and members:
        _check_context(reference, members, context_names, report)
    skip = 1 if name in ("input", "util") else 0  # their own members are checked above
    for member, is_call, offset in members[skip:]:
        if is_call and member in PYTHON_METHODS:
            java = PYTHON_METHODS[member]
            hint = f"; Java's is {java}" if java else ""
            column_offset = reference.start + reference.prefix + len(name) + offset
            report("unknown-method", column_offset, f".{member}() is Python's, not a Java method{hint}")
    first = members[0][0] if members else ""
    if not json_output:
        return
    if name == "input" and first == "json" and reference.in_string:
        report(
            "json-in-string", reference.start, "$input.json(...) inside quotes: it returns JSON text, quotes included"
        )
    undone = any(member == "replaceAll" for member, _, _ in members[1:])  # after the call, not inside it
    if name == "util" and first == "escapeJavaScript" and reference.in_string and not undone:
        report("escape-js-quote", reference.start, "escapeJavaScript's \\' is not a JSON escape; add "
               ".replaceAll(\"\\\\'\", \"'\")")  # fmt: skip
    if reference.before and reference.before in ":[," and _is_text(name, first, chain):
        report("unquoted-text", reference.start, f"${name}{chain} is text; unquoted it makes the JSON invalid")


def _members(chain: str) -> list[tuple[str, bool, int]]:
    """The top-level members of a reference's chain: (name, is a call, offset); what is
    inside a call's arguments or an index belongs to other references."""
    members = []
    index = 0
    while index < len(chain):
        if chain[index] == "[":
            index = _closing(chain, index, "[", "]")
            continue
        match = _MEMBER.match(chain, index)
        if match is None:
            break
        members.append((match.group(1), bool(match.group(2)), match.start()))
        index = _closing(chain, match.end() - 1, "(", ")") if match.group(2) else match.end()
    return members


def _check_context(
    reference: _Reference, members: list[tuple[str, bool, int]], context_names: dict[str, object], report: Report
) -> None:
    level: object = context_names
    path: list[str] = []
    for member, is_call, _ in members:
        if is_call or not isinstance(level, dict) or member in _OPEN_CONTEXT and not path:
            return
        if member not in level:
            where = "$context" + "".join(f".{part}" for part in path)
            report("unknown-member", reference.start, f"{where} has no {member}")
            return
        path.append(member)
        level = level[member]


def _is_text(name: str, first: str, chain: str) -> bool:
    """Whether the reference prints text (not a number, boolean or JSON)."""
    if name == "input":
        return first == "params"  # $input.path may be a number; $input.json is JSON
    if name == "stageVariables":
        return True
    if name == "util":
        return first in ("escapeJavaScript", "urlEncode", "urlDecode", "base64Encode", "base64Decode")
    if name == "context":
        dotted = chain.removeprefix(".")
        return dotted.split(".", 1)[0] not in _OPEN_CONTEXT and dotted not in _CONTEXT_NOT_TEXT
    return False


def _references(code: str) -> list[_Reference]:
    """Every reference of ``code``, and where it lands in the output text."""
    spans: list[tuple[int, int, re.Match[str] | None]] = []
    for dollar in (index for index, char in enumerate(code) if char == "$"):  # nested ones too
        match = _REFERENCE.match(code, dollar)
        if match is not None and not _escaped(code, dollar):
            spans.append((match.start(), match.end(), match))
    for match in _DIRECTIVE.finditer(code):
        spans.append((match.start(), _closing_parenthesis(code, match.end() - 1), None))
    spans.sort(key=lambda span: span[0])
    found: list[_Reference] = []
    in_string, before, position_ = False, "", 0
    code_until = -1
    for start, end, reference in spans:
        for char_index in range(position_, start):
            if char_index <= code_until:
                continue
            char = code[char_index]
            if char == "\n":
                in_string = False
            elif char == '"' and not _escaped(code, char_index):
                in_string = not in_string
            if not char.isspace():
                before = char
        position_ = max(position_, start)
        if reference is not None:
            name, chain = reference.group(2), reference.group(3)
            prefix = reference.start(2) - start
            if start > code_until:
                found.append(_Reference(start, end, name, chain, in_string, before if not in_string else "", prefix))
                before = "$"
            else:  # inside a directive's parentheses or another reference: code, not output
                found.append(_Reference(start, end, name, chain, False, "", prefix))
        code_until = max(code_until, end - 1)
        position_ = max(position_, end)
    return found


def _escaped(code: str, index: int) -> bool:
    """Whether an odd number of backslashes comes before ``code[index]``."""
    count = 0
    while index - count - 1 >= 0 and code[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _writes_json(code: str, content_type: str | None) -> bool:
    """Whether the template writes JSON: by content type, else by its first output character."""
    if content_type is not None:
        return content_type.split(";", 1)[0].strip().lower().endswith(("/json", "+json"))
    first = _DIRECTIVE_LINE.sub("", code).lstrip()[:1]
    return first in ("{", "[", "$")


def _closing_parenthesis(code: str, opening: int) -> int:
    return _closing(code, opening, "(", ")")


def _closing(code: str, opening: int, open_char: str, close_char: str) -> int:
    """The index after the bracket that closes the one at ``opening`` (quotes skipped)."""
    depth, quote = 0, ""
    for index in range(opening, len(code)):
        char = code[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == open_char:
            depth += 1
        elif char == close_char:
            depth -= 1
            if depth == 0:
                return index + 1
    return len(code)


def _blank_comments(text: str) -> str:
    """``text`` with comments and unparsed blocks replaced by spaces (new lines kept)."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return _LINE_COMMENT.sub(blank, _BLOCK_COMMENT.sub(blank, _UNPARSED.sub(blank, text)))


def disabled_rules(text: str) -> Callable[[int], set[str]]:
    """The rules silenced at a line: ``## apigw: disable=RULE[,RULE]`` on that line or the one
    above, ``## apigw: disable-file=RULE`` anywhere."""
    lines = text.split("\n")
    whole_file = {rule for match in _DISABLE_FILE.finditer(text) for rule in _rule_list(match.group(1))}

    def on(line: int, *, alone: bool = False) -> set[str]:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        match = _DISABLE.search(text)
        if match is None or (alone and not text.lstrip().startswith("##")):
            return set()
        return _rule_list(match.group(1))

    # the line above counts only when the comment is alone on it
    return lambda line: whole_file | on(line) | on(line - 1, alone=True)


def _rule_list(text: str) -> set[str]:
    return {rule.strip() for rule in text.split(",") if rule.strip()}


def _not_disabled(findings: list[Finding], text: str) -> list[Finding]:
    disabled = disabled_rules(text)
    return [finding for finding in findings if finding.rule not in disabled(finding.line)]
