"""Findings and how they are reported: plain data for the presenters, JSON and SARIF 2.1.0
(so code-scanning UIs show them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apigw_cli import __version__
from apigw_cli.lint.rules import ERROR, RULES, WARNING

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
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
        return self.source.split("[", 1)[0]

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
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": finding.file},
                            "region": {"startLine": finding.line, "startColumn": finding.column},
                        }
                    }
                ],
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
