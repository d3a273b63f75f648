"""JUnit XML for CI systems (GitLab, Jenkins, GitHub's test reporters): one ``testsuite`` per
case file, one ``testcase`` per case, ``failure`` and ``skipped`` as they expect them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from apigw_cli.errors import InputError
from apigw_cli.runner import CaseResult, TestReport

#: Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(text: str) -> str:
    """``text`` with what XML cannot hold shown as ``\\uXXXX`` (an ESC in an output...)."""
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def to_junit_xml(report: TestReport) -> str:
    suites = ElementTree.Element("testsuites", name="apigw", tests=str(len(report.results)))
    by_file: dict[Path, list[CaseResult]] = {}
    for result in report.results:
        by_file.setdefault(result.case.file, []).append(result)
    for file, results in by_file.items():
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=str(file),
            tests=str(len(results)),
            failures=str(sum(result.status == "failed" for result in results)),
            skipped=str(sum(result.status == "skipped" for result in results)),
            errors="0",
            time=f"{sum(result.seconds for result in results):.6f}",
        )
        for result in results:
            case = ElementTree.SubElement(
                suite, "testcase", name=result.case.id, classname=str(file), time=f"{result.seconds:.6f}"
            )
            if result.status == "failed":
                failure = ElementTree.SubElement(case, "failure", message=_xml_safe(result.message))
                details = [result.message]
                if result.diff is not None:
                    details += [difference.describe() for difference in result.diff.differences]
                    details.append("".join(result.diff.unified))
                failure.text = _xml_safe("\n".join(part for part in details if part))
            elif result.status == "skipped":
                ElementTree.SubElement(case, "skipped", message=_xml_safe(result.message))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"


def write_junit(report: TestReport, path: str) -> None:
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(to_junit_xml(report), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the JUnit report: {exc.strerror}") from None
