"""Findings and how they are reported: plain data for the presenters, JSON and SARIF 2.1.0
(so code-scanning UIs show them)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from apigw_cli import __version__
from apigw_cli.lint.rules import ERROR, RULES, WARNING

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: Characters SARIF uris may not hold as they are.
_URI_UNSAFE = re.compile(r"[^A-Za-z0-9._~/!$&'()*+,;=:@%-]")
_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


@dataclass(frozen=True)
class Finding:
    rule: str
    #: The file, or ``file[key]`` for a template inside a definition.
    source: str
    line: int
    column: int
    message: str

    @property
    def level(self) -> str:
        return RULES[self.rule].level

    @property
    def file(self) -> str:
        """The file alone (a definition's path for a template kept inside it)."""
        return self.source.split("[", 1)[0].split(": ", 1)[0]

    @property
    def embedded(self) -> bool:
        """Whether the finding is in a template kept inside a definition (its line and column
        then count from the template's start, not the file's)."""
        return self.source != self.file

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "level": self.level, "source": self.source, "line": self.line,
                "column": self.column, "message": self.message, "why": RULES[self.rule].why}  # fmt: skip


@dataclass
class LintReport:
    findings: list[Finding] = field(default_factory=list)
    #: How many templates were read.
    templates: int = 0

    def count(self, level: str) -> int:
        return sum(1 for finding in self.findings if finding.level == level)

    def failed(self, *, strict: bool) -> bool:
        """Findings at the failing level: errors, and warnings too with ``strict``."""
        return self.count(ERROR) > 0 or (strict and self.count(WARNING) > 0)

    @property
    def summary(self) -> str:
        return (f"{self.templates} template(s): {self.count(ERROR)} error(s), {self.count(WARNING)} warning(s), "
                f"{self.count('info')} note(s)")  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": {"templates": self.templates, "errors": self.count(ERROR), "warnings": self.count(WARNING),
                        "notes": self.count("info")},
            "findings": [finding.to_json() for finding in self.findings],
        }  # fmt: skip

    def to_sarif(self) -> dict[str, Any]:
        used = sorted({finding.rule for finding in self.findings})
        rules = [
            {
                "id": rule_id,
                "shortDescription": {"text": RULES[rule_id].summary},
                "fullDescription": {"text": RULES[rule_id].why},
                "defaultConfiguration": {"level": _SARIF_LEVELS[RULES[rule_id].level]},
                "helpUri": "https://github.com/apigw/apigw#apigw-lint",
            }
            for rule_id in used
        ]
        results = [
            {
                "ruleId": finding.rule,
                "ruleIndex": used.index(finding.rule),
                "level": _SARIF_LEVELS[finding.level],
                "message": {"text": _sarif_message(finding)},
                "locations": [_sarif_location(finding)],
            }
            for finding in self.findings
        ]
        return {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {"tool": {"driver": {"name": "apigw", "version": __version__, "rules": rules}}, "results": results}
            ],
        }


def _sarif_message(finding: Finding) -> str:
    if not finding.embedded:
        return finding.message
    template = finding.source[len(finding.file) :].removeprefix(": ")
    return f"{finding.message} ({template}, template line {finding.line}, column {finding.column})"


def _sarif_location(finding: Finding) -> dict[str, Any]:
    """The file, and the line and column when they are the file's (a template inside a
    definition names its key in the message instead)."""
    location: dict[str, Any] = {"artifactLocation": {"uri": _URI_UNSAFE.sub(_percent, finding.file)}}
    if not finding.embedded:
        location["region"] = {"startLine": finding.line, "startColumn": finding.column}
    return {"physicalLocation": location}


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group(0).encode())
