"""``apigw test``: run case files, for people and for CI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from apigw_cli.cli.options import (
    AwsEndpointOption,
    JsonOption,
    TracebackOption,
    WatchOption,
    aws_endpoint_choice,
    watch_command,
)
from apigw_cli.errors import CheckFailed, UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from apigw_cli.cases import Case, CaseFile

HELP = """Run the cases of every case file under PATH (default: the current folder).

\b
A case file is a YAML or JSON list of cases (id, kind, template or templateFile, request,
response, expect); see the README. Cases render deterministically. Reports each failure with
its diff and ends with one line: N passed, N failed, N skipped. Exit 1 when a case failed.
Invoke cases of AWS service integrations without a response: call --aws-endpoint.
--jobs N runs cases in N processes; --shard I/N runs every Nth case from the Ith, so that
N CI runners share a suite, each case on exactly one of them. For large suites write .json
case files: one process reads them a case at a time, so memory stays flat.

\b
Examples:
  apigw test templates/
  apigw test templates/ -k 'pet and not response' -x
  apigw test templates/ --junit apigw-junit.xml
  apigw test templates/ samples/ --jobs 4 --shard 1/2
"""


def test(
    paths: Annotated[
        list[str] | None, typer.Argument(metavar="[PATH]...", help="Case files or folders to search.")
    ] = None,
    select: Annotated[
        str | None,
        typer.Option("-k", metavar="EXPR", help="Only cases whose id matches: words, and/or/not, parentheses."),
    ] = None,
    exitfirst: Annotated[bool, typer.Option("-x", "--exitfirst", help="Stop at the first failure.")] = False,
    junit: Annotated[str | None, typer.Option("--junit", metavar="FILE", help="Write a JUnit XML report.")] = None,
    update: Annotated[
        bool,
        typer.Option("--update", help="Rewrite expect.body/expect.json of failed cases with the actual output."),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option("-j", "--jobs", metavar="N", help="Run cases in N processes (results in case order)."),
    ] = 1,
    shard_text: Annotated[
        str | None,
        typer.Option(
            "--shard",
            metavar="I/N",
            help="Run only shard I of N (every Nth case from the Ith): one per CI runner, each case in one shard.",
        ),
    ] = None,
    aws_endpoint: AwsEndpointOption = None,
    json_output: JsonOption = False,
    watch: WatchOption = False,
    traceback: TracebackOption = False,
) -> None:
    roots = paths or ["."]
    endpoint = aws_endpoint_choice(aws_endpoint)
    from apigw_cli.parallel import parse_shard

    if jobs < 1:
        raise UsageError(f"--jobs {jobs}: expected at least 1 process")

    split = parse_shard(shard_text) if shard_text is not None else None

    def chosen(case_files: list[CaseFile]) -> list[Case]:
        from apigw_cli.runner import select_cases

        return list(select_cases((case for case_file in case_files for case in case_file.cases), select, split))

    def run() -> None:
        from apigw_cli import output
        from apigw_cli.junit import write_junit
        from apigw_cli.runner import iter_cases, load_cases, run_cases, select_cases, update_case_files

        # One process reads the cases as it runs them, and keeps only what the report needs:
        # memory does not grow with the suite. --jobs and --update need the suite loaded.
        keep_passed = json_output or junit is not None
        case_files: list[CaseFile] = []
        if jobs == 1 and not update:
            cases: Iterable[Case] = select_cases(iter_cases(roots), select, split)
            progress = output.Progress(None)
        else:
            case_files = load_cases(roots)
            cases = chosen(case_files)
            progress = output.Progress(len(cases))
        try:
            report = run_cases(
                cases,
                fail_fast=exitfirst,
                on_result=progress.advance,
                aws_endpoint=endpoint,
                jobs=jobs,
                keep_passed=keep_passed,
            )
        finally:
            progress.close()
        if not report.total:
            where = " ".join(roots) + (f" matching -k {select!r}" if select else "")
            where += f" in shard {shard_text}" if shard_text else ""
            raise CheckFailed(f"no cases to run under {where}")
        if update:
            updated = update_case_files(case_files, report)
            if updated:
                # Run again from the rewritten files: what still fails is reported and counts.
                case_files = load_cases(roots)
                report = run_cases(
                    chosen(case_files), fail_fast=exitfirst, aws_endpoint=endpoint, jobs=jobs, keep_passed=keep_passed
                )
                report.updated = updated
        if junit is not None:
            write_junit(report, junit)
        if json_output:
            output.write_json(report.to_json())
        else:
            output.write_report(report)
        if not report.ok:
            raise CheckFailed("")  # the report on stdout says what failed

    def watched() -> list[Path]:
        from apigw_cli.cases import find_case_files
        from apigw_cli.errors import ApigwError
        from apigw_cli.runner import load_cases

        try:
            files = find_case_files(roots)
            case_files = load_cases(roots)
        except ApigwError:
            return [Path(root) for root in roots]  # broken for now: wait for the next change
        return files + [path for case_file in case_files for case in case_file.cases for path in case.inputs]

    watch_command(watch, run, watched)


def register(app: typer.Typer) -> None:
    app.command(help=HELP)(test)
