"""Presenters: turn results into what the user sees. Computes nothing; the only Rich user.

stdout carries the product only (a rendered payload, a JSON document); warnings and errors
go to stderr. On a terminal stderr is coloured with Rich (which honours ``NO_COLOR`` and
``FORCE_COLOR``); piped, everything is plain text. User content is never read as markup.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from apigw_cli.errors import ApigwError, InputError


@dataclass
class Streams:
    """Where output goes, and whether each stream is a terminal (injected for tests)."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    @property
    def stdout_is_tty(self) -> bool:
        return _is_tty(self.stdout)

    @property
    def stderr_is_tty(self) -> bool:
        return _is_tty(self.stderr)


def _is_tty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _stdout(streams: Streams) -> TextIO:
    if streams.stdout is None:  # started with stdout closed (`apigw ... >&-`)
        raise InputError("cannot write the output: standard output is closed")
    return streams.stdout


def write_payload(text: str, streams: Streams | None = None) -> None:
    """The payload exactly, byte for byte: no newline added, no colour. On a terminal, a
    newline goes to stderr when the payload lacks one, so the prompt starts on its own line."""
    streams = streams or Streams()
    _stdout(streams).write(text)
    streams.stdout.flush()
    if text and not text.endswith("\n") and streams.stdout_is_tty and streams.stderr_is_tty:
        streams.stderr.write("\n")


def write_json(document: Any, streams: Streams | None = None) -> None:
    """One JSON document on stdout (the core hands over JSON-safe data)."""
    streams = streams or Streams()
    _stdout(streams).write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def report_warnings(warnings: list[str], streams: Streams | None = None) -> None:
    for warning in warnings:
        _diagnostic("warning", warning, "", None, "yellow", streams or Streams())


def report_error(error: ApigwError, streams: Streams | None = None) -> None:
    """``apigw: error: message``, the excerpt that locates it, and ``hint:`` if any."""
    _diagnostic("error", str(error), error.excerpt(), error.hint, "red", streams or Streams())


def _diagnostic(level: str, message: str, excerpt: str, hint: str | None, colour: str, streams: Streams) -> None:
    if streams.stderr is None:  # started with stderr closed: nowhere to say it
        return
    lines = [f"apigw: {level}: {message}"]
    if excerpt:
        lines.extend(f"  {line}" for line in excerpt.splitlines())
    if hint:
        lines.append(f"hint: {hint}")
    if not streams.stderr_is_tty:
        streams.stderr.write("\n".join(lines) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=streams.stderr, highlight=False)
    console.print(Text(f"apigw: {level}: ", style=f"bold {colour}") + Text(message), markup=False)
    for line in lines[1:]:
        console.print(Text(line, style="dim" if line.startswith("hint:") else ""), markup=False)
