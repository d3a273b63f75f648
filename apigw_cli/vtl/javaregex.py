"""Java regular expressions (``java.util.regex``) on top of Python's ``re``.

Templates call ``replaceAll``, ``replaceFirst``, ``matches`` and ``split`` with Java syntax.
Most of it is Python's too; this module translates what differs and refuses what ``re``
cannot express, so a pattern never silently means something else.

Java's ``\\d``, ``\\w``, ``\\s``, ``\\b`` and case folding are ASCII unless asked otherwise,
so patterns compile with ``re.ASCII``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

#: Java's POSIX and Unicode property classes (``\\p{Name}``), as Python class bodies.
_PROPERTY_CLASSES = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0b\\f\\r",
    "javaLowerCase": "a-z",
    "javaUpperCase": "A-Z",
    "javaWhitespace": " \\t\\n\\x0b\\f\\r\\x1c-\\x1f",
}

#: Java's horizontal and vertical whitespace classes (``\\h``, ``\\v``; upper case negates),
#: which Python lacks (its ``\\v`` is one character).
_ESCAPE_CLASSES = {
    "h": " \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000",
    "v": "\\n\\x0b\\f\\r\\x85\\u2028\\u2029",
}


class JavaRegexError(ValueError):
    """A pattern Java would reject, or one Python's engine cannot express faithfully."""


@lru_cache(maxsize=512)
def compile_java_regex(pattern: str) -> re.Pattern[str]:
    """Compile a Java regex; raises :class:`JavaRegexError` (``PatternSyntaxException``).

    >>> compile_java_regex(r"(?<year>\\d{4})-\\p{Alpha}+\\z").pattern
    '(?P<year>\\\\d{4})-[a-zA-Z]+\\\\Z'
    """
    try:
        return re.compile(_translate(pattern), re.ASCII)
    except re.error as exc:
        raise JavaRegexError(f"invalid regular expression {pattern!r}: {exc}") from exc


def _translate(pattern: str) -> str:
    out: list[str] = []
    index = 0
    in_class = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "\\" and index + 1 < length:
            escaped = pattern[index + 1]
            if escaped == "Q":
                end = pattern.find("\\E", index + 2)
                literal = pattern[index + 2 :] if end < 0 else pattern[index + 2 : end]
                out.append(re.escape(literal))
                index = length if end < 0 else end + 2
                continue
            if escaped in "pP" and index + 2 < length:
                body, index = _property_class(pattern, index)
                negate = escaped == "P"
                out.append(_class_text(body, negate, in_class > 0))
                continue
            if escaped in "hHvV":
                body = _ESCAPE_CLASSES[escaped.lower()]
                out.append(_class_text(body, escaped.isupper(), in_class > 0))
                index += 2
                continue
            if escaped == "z":
                out.append("\\Z")
            elif escaped == "Z":
                out.append("(?=\\n?\\Z)")
            elif escaped == "R":
                out.append("(?:\\r\\n|[\\n\\x0b\\f\\r\\x85\\u2028\\u2029])")
            elif escaped == "e":
                out.append("\\x1b")
            elif escaped == "G":
                raise JavaRegexError(f"\\G is not supported in {pattern!r}")
            else:
                out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[":
            if in_class and pattern.startswith("[", index):
                raise JavaRegexError(f"nested character classes are not supported in {pattern!r}")
            in_class += 1
            out.append(char)
            index += 1
            # A ']' right after '[' or '[^' is a literal in Java, as in Python.
            continue
        if char == "]" and in_class:
            in_class -= 1
        elif char == "&" and in_class and pattern.startswith("&&", index):
            raise JavaRegexError(f"class intersection '&&' is not supported in {pattern!r}")
        elif char == "(" and not in_class and pattern.startswith("(?<", index):
            following = pattern[index + 3 : index + 4]
            if following not in ("=", "!"):
                out.append("(?P<")
                index += 3
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _property_class(pattern: str, index: int) -> tuple[str, int]:
    """Read ``\\pX`` or ``\\p{Name}`` at ``index``; return the class body and the next index."""
    if pattern[index + 2] == "{":
        end = pattern.find("}", index + 3)
        if end < 0:
            raise JavaRegexError(f"unclosed \\p{{...}} in {pattern!r}")
        name, next_index = pattern[index + 3 : end], end + 1
    else:
        name, next_index = pattern[index + 2], index + 3
    name = name.removeprefix("Is")
    if name in _PROPERTY_CLASSES:
        return _PROPERTY_CLASSES[name], next_index
    if name in ("L", "Alphabetic", "Letter"):
        return "^\\W\\d_", next_index
    raise JavaRegexError(f"unsupported character property \\p{{{name}}} in {pattern!r}")


def _class_text(body: str, negate: bool, inside_class: bool) -> str:
    if body.startswith("^"):  # a class given by its complement
        body, negate = body[1:], not negate
    if inside_class:
        if negate:
            raise JavaRegexError("a negated property inside a character class is not supported")
        return body
    return f"[{'^' if negate else ''}{body}]"


def java_replacement(replacement: str) -> Callable[[re.Match[str]], str]:
    """Java's ``Matcher.appendReplacement`` rules: ``$n``/``${name}`` insert groups, ``\\x`` is
    a literal ``x``; an unknown group is an error, as in Java."""

    def expand(match: re.Match[str]) -> str:
        out: list[str] = []
        index = 0
        while index < len(replacement):
            char = replacement[index]
            if char == "\\":
                if index + 1 >= len(replacement):
                    raise JavaRegexError("character to be escaped is missing")
                out.append(replacement[index + 1])
                index += 2
            elif char == "$":
                group, index = _group_reference(replacement, index + 1, match)
                out.append(match.group(group) or "")
            else:
                out.append(char)
                index += 1
        return "".join(out)

    return expand


def _group_reference(replacement: str, index: int, match: re.Match[str]) -> tuple[int | str, int]:
    if index >= len(replacement):
        raise JavaRegexError("illegal group reference: group index is missing")
    if replacement[index] == "{":
        end = replacement.find("}", index)
        if end < 0:
            raise JavaRegexError("named capturing group is missing trailing '}'")
        name = replacement[index + 1 : end]
        if name not in match.re.groupindex:
            raise JavaRegexError(f"no group with name {{{name}}}")
        return name, end + 1
    if not replacement[index].isdigit():
        raise JavaRegexError("illegal group reference")
    group = int(replacement[index])
    index += 1
    if group > match.re.groups:
        raise JavaRegexError(f"no group {group}")
    # Java takes further digits while the number still names an existing group.
    while index < len(replacement) and replacement[index].isdigit():
        candidate = group * 10 + int(replacement[index])
        if candidate > match.re.groups:
            break
        group = candidate
        index += 1
    return group, index


def java_split(text: str, pattern: str, limit: int = 0) -> list[str]:
    """Java's ``String.split(regex, limit)``.

    >>> java_split("a,b,,c,,", ",")
    ['a', 'b', '', 'c']
    >>> java_split("abc", "")
    ['a', 'b', 'c']
    >>> java_split("a,b,c", ",", 2)
    ['a', 'b,c']
    """
    regex = compile_java_regex(pattern)
    parts: list[str] = []
    start = 0
    for match in regex.finditer(text):
        if 0 < limit <= len(parts) + 1:
            break
        if match.end() == 0:
            continue  # a zero-width match at the start never yields a leading empty string
        parts.append(text[start : match.start()])
        start = match.end()
    if not parts and start == 0:
        return [text]
    parts.append(text[start:])
    if limit == 0:
        while parts and parts[-1] == "":
            parts.pop()
    return parts
