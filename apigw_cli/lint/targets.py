"""What ``apigw lint`` reads: template files, folders of them, and API definitions (every
template inside); and the samples each template renders against."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apigw_cli.cases import find_case_files, load_case_file
from apigw_cli.definitions.api import Api
from apigw_cli.definitions.integration import MappingTemplate
from apigw_cli.documents import read_text
from apigw_cli.errors import ApigwError, InputError
from apigw_cli.lint.dynamic import Sample, dynamic_findings
from apigw_cli.lint.report import Finding, LintReport
from apigw_cli.lint.static import disabled_rules, static_findings
from apigw_cli.models import Request
from apigw_cli.render import request_scope
from apigw_cli.vtl.context import Identity

DEFINITION_SUFFIXES = (".yaml", ".yml", ".json", ".template")


@dataclass
class LintOptions:
    #: Samples to render every template against; ``None``: the cases beside each template.
    samples: list[Sample] | None = None
    #: What a loose template's output must parse as (``None``: what it looks like).
    content_type: str | None = None


class Linter:
    """Lints templates, with what the static checks need built once."""

    def __init__(self, options: LintOptions) -> None:
        self.options = options
        self.context: dict[str, Any] = request_scope(Request(), Identity.deterministic()).context

    def template(
        self, text: str, source: str, *, content_type: str | None, samples: list[Sample] | None
    ) -> list[Finding]:
        """Static findings, then, when there are samples and the template parses, dynamic ones."""
        findings = static_findings(text, source, self.context, content_type)
        runs = not any(finding.rule in ("syntax-error", "unsupported-directive") for finding in findings)
        if samples and runs:
            disabled = disabled_rules(text)
            dynamic = dynamic_findings(text, source, samples, content_type)
            findings += [finding for finding in dynamic if finding.rule not in disabled(finding.line)]
        return sorted(findings, key=lambda finding: (finding.line, finding.column, finding.rule))

    def definition_templates(self, api: Api, samples: list[Sample] | None) -> tuple[int, list[Finding]]:
        """How many templates ``api`` keeps, and their findings (content type: their key)."""
        templates: list[tuple[str, MappingTemplate]] = []
        for method in api.methods:
            integration = method.integration
            if integration is None:
                continue
            templates += list(integration.request_templates.items())
            for response in integration.responses:
                templates += list(response.templates.items())
        findings: list[Finding] = []
        for content_type, template in templates:
            findings += self.template(template.text, template.name, content_type=content_type, samples=samples)
        return len(templates), findings


def lint_paths(paths: list[str], options: LintOptions) -> LintReport:
    """Lint every template under ``paths``: ``.vtl`` (and other) files, the ``.vtl`` files and
    API definitions of a folder, and every template an explicitly named definition keeps."""
    linter = Linter(options)
    report = LintReport()
    for path, explicit in _files(paths):
        try:
            _lint_file(linter, path, explicit, options, report)
        except ApigwError as error:  # one unreadable file does not stop the others
            report.findings.append(Finding("unreadable", str(path), 1, 1, error.message))
    return report


def _lint_file(linter: Linter, path: Path, explicit: bool, options: LintOptions, report: LintReport) -> None:
    if path.suffix.lower() in DEFINITION_SUFFIXES:
        for api in _definition_apis(path, explicit):
            count, findings = linter.definition_templates(api, options.samples)
            report.templates += count
            report.findings += findings
        return
    text = read_text(str(path), what="template")
    samples = options.samples if options.samples is not None else samples_beside(path)
    report.templates += 1
    report.findings += linter.template(text, str(path), content_type=options.content_type, samples=samples)


def _files(paths: list[str]) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for each path; a folder gives its ``.vtl`` files and the
    definitions among its YAML/JSON files."""
    files: list[tuple[Path, bool]] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = [item for item in path.rglob("*") if item.is_file() and ".venv" not in item.parts]
            files += [(item, False) for item in sorted(found) if item.suffix in (".vtl", *DEFINITION_SUFFIXES)]
        elif path.exists():
            files.append((path, True))
        else:
            raise InputError(f"{name}: no such file or folder")
    return files


def _definition_apis(path: Path, explicit: bool) -> list[Api]:
    """The APIs of a definition file; in a folder scan, files that are not definitions (case
    files, samples) are passed over. The file is read once."""
    from apigw_cli.definitions.cloudformation import is_cloudformation
    from apigw_cli.definitions.document import read_definition_document
    from apigw_cli.definitions.load import definition_from_data
    from apigw_cli.definitions.openapi import is_openapi

    try:
        data = read_definition_document(path)
    except ApigwError:
        if explicit:
            raise
        return []
    if not explicit and not (is_openapi(data) or is_cloudformation(data)):
        return []
    return definition_from_data(data, str(path)).apis


def samples_beside(template: Path) -> list[Sample]:
    """The requests (and responses) of the cases beside ``template`` that render it: the
    starter library's samples."""
    samples = []
    target = template.resolve()
    for case_file_path in find_case_files([str(template.parent)]):
        try:
            case_file = load_case_file(case_file_path)
        except ApigwError:
            continue
        for case in case_file.cases if case_file else []:
            if Path(case.template_name).resolve() == target and case.expect.error is None:
                samples.append(Sample(case.request, case.response, f"case {case.id}"))
    return samples
