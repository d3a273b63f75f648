"""Output follows the terminal: the payload is always exact; diagnostics are coloured only on
a terminal, and never read user text as Rich markup."""

from __future__ import annotations

import io

import pytest

from apigw_cli.errors import TemplateSyntaxError
from apigw_cli.output import Streams, report_error, report_warnings, write_json, write_payload


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_payload_is_exact_when_piped() -> None:
    streams = Streams(io.StringIO(), io.StringIO())
    write_payload("[$x]", streams)
    assert (streams.stdout.getvalue(), streams.stderr.getvalue()) == ("[$x]", "")


def test_on_a_terminal_the_prompt_starts_on_a_new_line_without_touching_stdout() -> None:
    streams = Streams(Terminal(), Terminal())
    write_payload('{"a": 1}', streams)
    assert (streams.stdout.getvalue(), streams.stderr.getvalue()) == ('{"a": 1}', "\n")


def test_json_documents_print_java_values_they_cannot_hold() -> None:
    streams = Streams(io.StringIO(), io.StringIO())
    write_json({"a": {1, 2} and 1, "b": "é"}, streams)
    assert streams.stdout.getvalue() == '{\n  "a": 1,\n  "b": "é"\n}\n'


def test_errors_are_plain_when_piped() -> None:
    streams = Streams(io.StringIO(), io.StringIO())
    error = TemplateSyntaxError("expected ')'", name="t.vtl", line=1, column=5, source_line="#if([bold]x")
    report_error(error, streams)
    assert streams.stderr.getvalue() == "apigw: error: t.vtl:1:5: expected ')'\n  #if([bold]x\n      ^\n"


def test_errors_are_coloured_on_a_terminal_and_markup_is_not_interpreted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    streams = Streams(Terminal(), Terminal())
    report_error(TemplateSyntaxError("bad [red]x[/red]", name="t.vtl", line=1, column=1, source_line="[b]"), streams)
    text = streams.stderr.getvalue()
    assert "\x1b[" in text
    assert "bad [red]x[/red]" in text and "[b]" in text


def test_no_color_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    streams = Streams(Terminal(), Terminal())
    report_warnings(["t.vtl:1:1: careful"], streams)
    text = streams.stderr.getvalue()
    assert "apigw: warning: " in text and "careful" in text
    assert "\x1b[33" not in text and "\x1b[31" not in text  # Rich keeps bold, drops colour


def test_diffs_are_coloured_on_a_terminal_plain_when_piped_and_colour_can_be_forced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from apigw_cli.diff import compare_outputs
    from apigw_cli.output import write_diff

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    result = compare_outputs('{"a": 2}', '{"a": 1, "b": "[x]"}')
    piped = Streams(io.StringIO(), io.StringIO())
    write_diff(result, piped)
    assert piped.stdout.getvalue() == '$.a: 1 -> 2\n$.b: removed "[x]"\n'
    terminal = Streams(Terminal(), Terminal())
    write_diff(result, terminal)
    assert "\x1b[" in terminal.stdout.getvalue() and '"[x]"' in terminal.stdout.getvalue()
    monkeypatch.setenv("FORCE_COLOR", "1")  # a CI log that shows colours
    forced = Streams(io.StringIO(), io.StringIO())
    write_diff(result, forced)
    assert "\x1b[" in forced.stdout.getvalue()


def test_a_lone_surrogate_is_written_as_java_writes_it() -> None:
    streams = Streams(io.StringIO(), io.StringIO())
    write_payload("a\ud800b", streams)
    assert streams.stdout.getvalue() == "a?b"


def test_progress_shows_on_a_terminal_for_long_suites_only() -> None:
    from apigw_cli.output import Progress

    quiet = Streams(io.StringIO(), io.StringIO())
    bar = Progress(100, quiet)
    bar.close()
    assert quiet.stderr.getvalue() == ""
    terminal = Streams(Terminal(), Terminal())
    short = Progress(3, terminal)
    short.close()
    assert terminal.stderr.getvalue() == ""
    long = Progress(100, terminal)
    assert long.bar is not None
    long.close()
    streamed = Progress(None, terminal)  # cases read as they run: no total, a bar once 20 ran
    for _ in range(Progress.MIN_CASES - 1):
        streamed.advance(None)  # type: ignore[arg-type]
    assert streamed.bar is None
    streamed.advance(None)  # type: ignore[arg-type]
    assert streamed.bar is not None
    streamed.close()
