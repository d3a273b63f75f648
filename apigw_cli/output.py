"""Presenters: turn results into what the user sees. Computes nothing; the only Rich user.

stdout carries the product only (a rendered payload, a JSON document); warnings and errors
go to stderr. On a terminal stderr is coloured with Rich (which honours ``NO_COLOR`` and
``FORCE_COLOR``); piped, everything is plain text. User content is never read as markup.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from apigw_cli.errors import ApigwError, InputError

if TYPE_CHECKING:
    from apigw_cli.definitions.routes import Route, RouteTable
    from apigw_cli.lint.check import CheckReport
    from apigw_cli.lint.report import Finding, LintReport
    from apigw_cli.models import DiffResult, Response
    from apigw_cli.runner import CaseResult, TestReport


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


def _encodable(text: str) -> str:
    """``text`` as UTF-8 can carry it: a lone surrogate (a Java string may hold one) becomes
    ``?``, as Java's UTF-8 encoder writes it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="replace").decode("utf-8")
    return text


def write_payload(text: str, streams: Streams | None = None) -> None:
    """The payload exactly, byte for byte: no newline added, no colour. On a terminal, a
    newline goes to stderr when the payload lacks one, so the prompt starts on its own line."""
    streams = streams or Streams()
    _stdout(streams).write(_encodable(text))
    streams.stdout.flush()
    if text and not text.endswith("\n") and streams.stdout_is_tty and streams.stderr_is_tty:
        streams.stderr.write("\n")


def write_json(document: Any, streams: Streams | None = None) -> None:
    """One JSON document on stdout (the core hands over JSON-safe data)."""
    streams = streams or Streams()
    _stdout(streams).write(_encodable(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)) + "\n")


def write_yaml(document: Any, streams: Streams | None = None) -> None:
    """One YAML document on stdout; text with new lines as literal blocks (``|``), as a person
    would write a template into a definition."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = None
        if "\n" in value and value == value.rstrip(" "):
            style = "|"
        elif "'" in value:  # a static mapping value ('text/xml'): double quotes read best
            style = '"'
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    streams = streams or Streams()
    dumped = yaml.dump(document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=2**31)
    _stdout(streams).write(_encodable(dumped))


def write_http_response(response: Response, streams: Streams | None = None) -> None:
    """A method response as ``curl -i`` shows it: status line, headers, a blank line, then
    the body byte for byte (binary bodies too)."""
    import base64
    from http import HTTPStatus

    streams = streams or Streams()
    stdout = _stdout(streams)
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    head = [(f"HTTP/1.1 {response.status} {reason}".rstrip(), "bold green" if response.status < 400 else "bold red")]
    head += [(f"{name}: {value}", "cyan") for name, values in response.headers.items() for value in values]
    head.append(("", ""))
    write_styled(head, streams)
    stdout.flush()
    raw = getattr(stdout, "buffer", None)
    if response.is_base64_encoded and raw is not None:
        raw.write(base64.b64decode(response.body))
        raw.flush()
    else:  # text, or a stream that takes text only (tests): binary stays base64 there
        write_payload(response.body, streams)


def write_trace(lines: list[str], streams: Streams | None = None, *, after_partial_line: bool = False) -> None:
    """The execution log on stderr, dimmed on a terminal. ``after_partial_line``: the result
    just written to stdout did not end its line; when both streams go to the same place (a
    terminal, ``2>&1``), the log starts on a line of its own."""
    streams = streams or Streams()
    if streams.stderr is None:
        return
    if after_partial_line and _same_destination(streams.stdout, streams.stderr):
        streams.stderr.write("\n")
    console = _colour_console(streams.stderr, streams.stderr_is_tty)
    if console is None:
        streams.stderr.write("".join(f"{_encodable(line)}\n" for line in lines))
        return
    from rich.text import Text

    for line in lines:
        console.print(Text(_encodable(line), style="dim"), markup=False)


def _same_destination(first: TextIO, second: TextIO) -> bool:
    try:
        one, two = os.fstat(first.fileno()), os.fstat(second.fileno())
    except (OSError, ValueError, AttributeError):  # not a file (tests' streams)
        return False
    return (one.st_dev, one.st_ino) == (two.st_dev, two.st_ino)


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


def announce_rerun(changed: list[Path], streams: Streams | None = None) -> None:
    """``--watch``: say on stderr what changed before the new result comes."""
    streams = streams or Streams()
    names = ", ".join(str(path) for path in changed)
    _diagnostic("watch", f"{names} changed; running again", "", None, "cyan", streams)


def diff_lines(result: DiffResult) -> list[tuple[str, str]]:
    """The lines that show a diff, each with its style: structural differences first, then
    the text diff."""
    lines = [(difference.describe(), _CHANGE_STYLES[difference.change]) for difference in result.differences]
    for line in result.unified:
        text = line.rstrip("\n")
        style = "bold" if text.startswith(("---", "+++")) else _UNIFIED_STYLES.get(text[:1], "")
        lines.append((text, style))
    return lines


_CHANGE_STYLES = {"changed": "yellow", "added": "green", "removed": "red", "type": "magenta"}
_UNIFIED_STYLES = {"-": "red", "+": "green", "@": "cyan", "\\": "dim"}


def write_styled(lines: list[tuple[str, str]], streams: Streams) -> None:
    """Lines on stdout: coloured on a terminal (or with ``FORCE_COLOR``), plain when piped;
    never read as markup."""
    stdout = _stdout(streams)
    console = _colour_console(stdout, streams.stdout_is_tty)
    if console is None:
        stdout.write("".join(f"{_encodable(text)}\n" for text, _ in lines))
        return
    from rich.text import Text

    for text, style in lines:
        console.print(Text(_encodable(text), style=style), markup=False)


def write_table(header: list[str], rows: list[list[str]], streams: Streams | None = None) -> None:
    """Aligned columns, the header in bold on a terminal; the last column is not padded."""
    widths = [max(len(row[index]) for row in [header, *rows]) for index in range(len(header) - 1)]

    def line(cells: list[str]) -> str:
        return "  ".join([*(cell.ljust(width) for cell, width in zip(cells, widths, strict=False)), cells[-1]]).rstrip()

    write_styled([(line(header), "bold"), *((line(row), "") for row in rows)], streams or Streams())


_LEVEL_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def write_lint_report(report: LintReport, streams: Streams | None = None) -> None:
    """``apigw lint``: a line per finding (``file:line:column: level rule: message``), then
    the summary."""
    lines = [_finding_line(finding) for finding in report.findings]
    lines.append((report.summary, "bold"))
    write_styled(lines, streams or Streams())


def _finding_line(finding: Finding) -> tuple[str, str]:
    """``file:line:column: level rule: message``, styled by level."""
    text = f"{finding.source}:{finding.line}:{finding.column}: {finding.level} {finding.rule}: {finding.message}"
    return text, _LEVEL_STYLES[finding.level]


def write_check_report(report: CheckReport, streams: Streams | None = None) -> None:
    """``apigw check``: a line per method, then the findings and the summary."""
    streams = streams or Streams()
    rows = [
        [audit.method.http_method, audit.method.resource,
         audit.method.integration.type if audit.method.integration else "none", str(audit.templates),
         str(audit.count("error")), str(audit.count("warning")), str(audit.count("info")),
         "ok" if not audit.count("error") else "FAIL"]
        for audit in report.audits
    ]  # fmt: skip
    write_table(["METHOD", "RESOURCE", "TYPE", "TEMPLATES", "ERRORS", "WARNINGS", "NOTES", "RESULT"], rows, streams)
    lines = [_finding_line(finding) for audit in report.audits for finding in audit.findings]
    lines.append((f"{report.api}: {report.summary}", "bold"))
    write_styled(lines, streams)


def write_file(path: str, text: str) -> None:
    """Write a report file (``--junit``)."""
    try:
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the file: {exc.strerror}") from None


def write_routes(table: RouteTable, streams: Streams | None = None) -> None:
    """``apigw routes``: a line per method; an API column first when there are several."""
    several = len(table.apis) > 1
    rows = [
        [*([api.name] if several else []), route.method.http_method, route.method.resource, route.integration_type,
         route.target, _templates_summary(route)]
        for api, routes in table.apis
        for route in routes
    ]  # fmt: skip
    write_table([*(["API"] if several else []), "METHOD", "RESOURCE", "TYPE", "TARGET", "TEMPLATES"], rows, streams)


def _templates_summary(route: Route) -> str:
    """``request: application/json; response: 404 (application/json), 200 (text/xml)``."""
    integration = route.method.integration
    if integration is None:
        return ""
    parts = []
    if integration.request_templates:
        parts.append("request: " + ", ".join(integration.request_templates))
    responses = [
        f"{response.status} ({', '.join(response.templates)})"
        for response in integration.responses
        if response.templates
    ]
    if responses:
        parts.append("response: " + ", ".join(responses))
    return "; ".join(parts)


def _colour_console(stream: TextIO, is_tty: bool) -> Any:
    """A Rich console when Rich would style this stream, else ``None`` (and no Rich import)."""
    if not (is_tty or os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE")):
        return None
    from rich.console import Console

    console = Console(file=stream, highlight=False, soft_wrap=True)
    return console if console.is_terminal else None


def write_diff(result: DiffResult, streams: Streams | None = None) -> None:
    """``apigw diff``: nothing when equal; else each difference, then the text diff."""
    write_styled(diff_lines(result), streams or Streams())


def write_failure(result: CaseResult, streams: Streams) -> None:
    """One failed case: where it is, why it failed, and the diff that shows it."""
    lines = [(f"FAILED {result.case.id} ({result.case.where})", "bold red"), (f"  {result.message}", "")]
    if result.diff is not None:
        lines += [(f"  {text}", style) for text, style in diff_lines(result.diff)]
    write_styled(lines, streams)


def write_report(report: TestReport, streams: Streams | None = None) -> None:
    """``apigw test``: the failures, the files ``--update`` rewrote, and the summary line."""
    streams = streams or Streams()
    for result in report.results:
        if result.status == "failed":
            write_failure(result, streams)
    lines = [(f"updated {path}", "cyan") for path in report.updated]
    lines.append((report.summary, "bold green" if report.ok else "bold red"))
    write_styled(lines, streams)


class Progress:
    """A progress bar on stderr for long suites on a terminal; nothing when piped. Without
    a ``total`` (cases read as they run), it appears once :data:`MIN_CASES` have run."""

    #: Suites with fewer cases finish too fast for a bar to help.
    MIN_CASES = 20

    def __init__(self, total: int | None, streams: Streams | None = None) -> None:
        self.streams = streams or Streams()
        self.total = total
        self.done = 0
        self.bar: Any = None
        if total is not None and total >= self.MIN_CASES:
            self._start()

    def _start(self) -> None:
        if not self.streams.stderr_is_tty:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(
            TextColumn("testing"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(file=self.streams.stderr),
            transient=True,
        )
        self.task = self.bar.add_task("cases", total=self.total, completed=self.done)
        self.bar.start()

    def advance(self, result: CaseResult) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.advance(self.task)
        elif self.total is None and self.done == self.MIN_CASES:
            self._start()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
