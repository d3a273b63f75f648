"""The one exception tree of apigw, and the exit status each error maps to.

The core raises these and never prints; ``apigw_cli.cli`` is the single place that turns
them into a message on stderr and an exit code. This module imports nothing from the
package.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes, the same on every command (documented in the README and --help)."""

    #: Success.
    OK = 0
    #: A check failed: ``diff`` found differences, ``--check-json`` saw invalid JSON.
    DIFFERENT = 1
    #: Bad options or arguments (Click/Typer use 2 as well).
    USAGE = 2
    #: A file, sample or definition could not be read or parsed.
    INPUT = 3
    #: VTL syntax or render error.
    TEMPLATE = 4
    #: The template touched something the sandbox refuses, or exceeded a limit.
    SANDBOX = 5
    #: The simulated backend failed (unreachable, timed out, crashed); AWS's gateway
    #: response is still shown.
    INTEGRATION = 6
    #: An unexpected exception: a bug in apigw (``EX_SOFTWARE``).
    INTERNAL = 70
    #: Interrupted with Ctrl-C.
    INTERRUPTED = 130


class ApigwError(Exception):
    """Base of every error apigw reports to the user.

    ``message`` is one line; ``hint`` an optional suggestion printed after it.
    """

    exit_status: ExitStatus = ExitStatus.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def __str__(self) -> str:
        return self.message

    def excerpt(self) -> str:
        """Lines that show where the problem is (printed under the message), or ``""``."""
        return self.details


class UsageError(ApigwError):
    """Options or arguments that contradict each other or are malformed."""

    exit_status = ExitStatus.USAGE


class InputError(ApigwError):
    """A file that is missing, unreadable, or not in the expected shape."""

    exit_status = ExitStatus.INPUT


class DefinitionError(InputError):
    """An integration definition that API Gateway would refuse (unknown key, bad mapping...)."""


class IntegrationError(ApigwError):
    """The simulated backend failed: unreachable, timed out, crashed or answered garbage.

    ``invoke`` still shows the gateway response AWS would give, then exits with this status.
    """

    exit_status = ExitStatus.INTEGRATION


class TemplateError(ApigwError):
    """Something wrong with a VTL template."""

    exit_status = ExitStatus.TEMPLATE


class TemplatePositionError(TemplateError):
    """A template error at a known place: ``name:line:column`` plus the line and a caret."""

    def __init__(
        self,
        message: str,
        *,
        name: str,
        line: int,
        column: int,
        source_line: str = "",
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.name = name
        self.line = line
        self.column = column
        self.source_line = source_line

    @property
    def location(self) -> str:
        return f"{self.name}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def excerpt(self) -> str:
        """The offending source line with a caret under the column (empty when unknown)."""
        if not self.source_line:
            return ""
        return caret_excerpt(self.source_line, self.column)


class TemplateSyntaxError(TemplatePositionError):
    """The template does not parse."""


class TemplateRenderError(TemplatePositionError):
    """The template parsed but failed while rendering."""


class SandboxViolation(TemplateRenderError):
    """The template reached for something the sandbox refuses."""

    exit_status = ExitStatus.SANDBOX


class RenderLimitExceeded(TemplateRenderError):
    """The template exceeded one of the render limits (loops, output, time, depth)."""

    exit_status = ExitStatus.SANDBOX


class CheckFailed(ApigwError):
    """A requested check did not hold (``--check-json``); the result itself was produced."""

    exit_status = ExitStatus.DIFFERENT


def caret_excerpt(line: str, column: int) -> str:
    """``line`` with a caret under ``column`` (1-based); tabs count as one column.

    >>> print(caret_excerpt("#set($x = )", 11))
    #set($x = )
              ^
    """
    return f"{line.expandtabs(1)}\n{' ' * (column - 1)}^"
