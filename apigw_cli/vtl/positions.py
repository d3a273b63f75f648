"""Where in a template an offset is: what every error message needs, without the parser."""

from __future__ import annotations

from apigw_cli.errors import TemplateSyntaxError


def position(source: str, offset: int) -> tuple[int, int, str]:
    """1-based line and column of ``offset``, and the text of that line."""
    offset = max(0, min(offset, len(source)))
    line_start = source.rfind("\n", 0, offset) + 1
    line_end = source.find("\n", offset)
    line_text = source[line_start : line_end if line_end >= 0 else len(source)]
    return source.count("\n", 0, offset) + 1, offset - line_start + 1, line_text.rstrip("\r")


def syntax_error(source: str, name: str, offset: int, message: str) -> TemplateSyntaxError:
    line, column, text = position(source, offset)
    return TemplateSyntaxError(message, name=name, line=line, column=column, source_line=text)
