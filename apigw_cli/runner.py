"""Run cases: render or invoke each, check it against its expectations, and collect the
results.

Cases run deterministically (the fixed request id and time of ``--deterministic``). An
``invoke`` case with a ``response:`` uses it as the backend's answer instead of calling out.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from apigw_cli.cases import Case, CaseFile, find_case_files, iter_case_file, load_case_file, update_expectations
from apigw_cli.diff import compare_outputs, json_differences, unified_diff
from apigw_cli.errors import ApigwError, UsageError
from apigw_cli.integrations.aws_service import AwsEndpoint
from apigw_cli.invoke import InvokeOptions, invoke
from apigw_cli.models import DiffResult, MultiValues, RenderResult, find_header
from apigw_cli.parallel import can_fork, run_parallel
from apigw_cli.render import render_template
from apigw_cli.routing import invoke_route
from apigw_cli.vtl.context import Identity
from apigw_cli.vtl.engine import compile_template
from apigw_cli.vtl.limits import MAX_RENDER_SECONDS, LimitReached, deadline_alarm


@dataclass
class CaseResult:
    case: Case
    #: ``passed``, ``failed`` or ``skipped``.
    status: str
    #: Why it failed or was skipped ("" when it passed).
    message: str = ""
    #: How the output differs from the expected body or JSON, when that is why it failed.
    diff: DiffResult | None = None
    #: The rendered output (``None`` when the case did not render).
    output: str | None = None
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.case.id,
            "file": str(self.case.file),
            "line": self.case.line,
            "kind": self.case.kind,
            "status": self.status,
            "message": self.message,
            "diff": self.diff.to_json() if self.diff is not None else None,
            "seconds": round(self.seconds, 6),
        }


@dataclass
class TestReport:
    #: The results in case order: every case's, or only the failed ones when nothing needs
    #: the rest (see :func:`run_cases`'s ``keep_passed``).
    results: list[CaseResult] = field(default_factory=list)
    #: Case files rewritten by ``--update``.
    updated: list[Path] = field(default_factory=list)
    #: How many cases ended in each status.
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("passed", "failed", "skipped"), 0))

    def add(self, result: CaseResult, *, keep: bool = True) -> None:
        self.counts[result.status] += 1
        if keep or result.status == "failed":
            self.results.append(result)

    def count(self, status: str) -> int:
        return self.counts[status]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def summary(self) -> str:
        return f"{self.count('passed')} passed, {self.count('failed')} failed, {self.count('skipped')} skipped"

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": {status: self.count(status) for status in ("passed", "failed", "skipped")},
            "cases": [result.to_json() for result in self.results],
            "updated": [str(path) for path in self.updated],
        }


def load_cases(paths: list[str]) -> list[CaseFile]:
    """Every case file under ``paths`` (malformed ones raise :class:`InputError`)."""
    case_files = []
    for path in find_case_files(paths):
        case_file = load_case_file(path)
        if case_file is not None:
            case_files.append(case_file)
    return case_files


def iter_cases(paths: list[str]) -> Iterator[Case]:
    """Every case under ``paths``, in :func:`load_cases`'s order, read as they are wanted:
    a suite of ``.json`` case files is never held whole (malformed cases raise
    :class:`InputError` when they are reached)."""
    for path in find_case_files(paths):
        yield from iter_case_file(path)


def select_cases(cases: Iterable[Case], expression: str | None, shard: tuple[int, int] | None = None) -> Iterator[Case]:
    """The cases whose id matches ``-k``: words match parts of the id, ignoring case,
    combined with ``and``, ``or``, ``not`` and parentheses, as pytest's ``-k`` does. A
    broken expression is an error even when no case is there to match it. Of those,
    ``shard`` (I, N) takes every Nth from the Ith, in the suite's own order (files sorted
    by path, cases in file order): the shards of one suite run each case exactly once,
    whatever each runner's file order.

    >>> ids = ["mock-ok", "mock-fail", "http-ok"]
    >>> [i for i in ids if matches_id(i, "mock and not fail")], [i for i in ids if matches_id(i, "ok")]
    (['mock-ok'], ['mock-ok', 'http-ok'])
    """
    if expression is not None:
        matches_id("", expression)  # check the expression itself, now
    matching = cases if expression is None else (case for case in cases if matches_id(case.id, expression))
    if shard is None:
        return iter(matching)
    index, count = shard
    return itertools.islice(matching, index - 1, None, count)


_K_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


def matches_id(case_id: str, expression: str) -> bool:
    try:
        return _matches(case_id.lower(), expression)
    except RecursionError:
        raise UsageError(f"-k {expression[:40]!r}...: the expression nests too deeply") from None


def _matches(case_id: str, expression: str) -> bool:
    tokens = [match.group(1).lower() for match in _K_TOKEN.finditer(expression)]
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        token = peek()
        if token is None:
            raise UsageError(f"-k {expression!r}: the expression ends too early")
        position += 1
        return token

    def either() -> bool:
        result = both()
        while peek() == "or":
            take()
            result = both() or result
        return result

    def both() -> bool:
        result = negated()
        while peek() == "and":
            take()
            result = negated() and result
        return result

    def negated() -> bool:
        token = take()
        if token == "not":
            return not negated()
        if token == "(":
            result = either()
            if take() != ")":
                raise UsageError(f"-k {expression!r}: unbalanced parentheses")
            return result
        if token in ("and", "or", ")"):
            raise UsageError(f"-k {expression!r}: unexpected '{token}'")
        return token in case_id

    result = either()
    if peek() is not None:
        raise UsageError(f"-k {expression!r}: unexpected '{peek()}'")
    return result


def run_case(case: Case, *, aws_endpoint: AwsEndpoint | None = None) -> CaseResult:
    """Run one case; AWS service integrations call ``aws_endpoint``."""
    started = time.perf_counter()
    result = _run(case, aws_endpoint)
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Outcome:
    """What a case produced, in the terms expectations use."""

    output: str
    status: int
    headers: MultiValues
    #: Why the backend failed, when it did (AWS's gateway response is the output then).
    failure: str | None = None


def _run(case: Case, aws_endpoint: AwsEndpoint | None) -> CaseResult:
    if case.skip is not None:
        return CaseResult(case, "skipped", case.skip)
    expect = case.expect
    try:
        outcome = _invoke(case, aws_endpoint) if case.kind == "invoke" else _render(case)
    except ApigwError as error:
        if expect.error is not None and expect.error in str(error):
            return CaseResult(case, "passed")
        hint = f" ({error.hint})" if error.hint else ""
        return CaseResult(
            case, "failed", f"{'invoking' if case.kind == 'invoke' else 'rendering'} failed: {error}{hint}"
        )
    if expect.error is not None:
        return CaseResult(
            case, "failed", f"expected an error containing {expect.error!r}, but it ran", output=outcome.output
        )
    failure = _check(case, outcome)
    if failure is None:
        return CaseResult(case, "passed", output=outcome.output)
    message, diff = failure
    if outcome.failure is not None:
        message += f" (the backend failed: {outcome.failure})"
    return CaseResult(case, "failed", message, diff, outcome.output)


def _render(case: Case) -> _Outcome:
    assert case.template_source is not None
    template = compile_template(case.template_source, case.template_name)
    rendered = render_template(template, case.request, response=case.response, identity=Identity.deterministic())
    # A request template's headers are the integration request's, a response template's the
    # method response's: the overrides each sets.
    overrides = rendered.request_override if case.kind == "render-request" else rendered.response_override
    headers = {str(name): [str(value)] for name, value in overrides.get("header", {}).items()}
    return _Outcome(rendered.output, _status(case, rendered), headers)


def _invoke(case: Case, aws_endpoint: AwsEndpoint | None) -> _Outcome:
    options = InvokeOptions(
        identity=Identity.deterministic(),
        frozen_clock=True,
        handler=case.handler,
        backend_response=case.response,
        aws_endpoint=aws_endpoint,
    )
    if case.route is not None:
        route = case.route
        request = route.api.routed(case.request, route.method, route.path, route.stage)
        result = invoke_route(route.api, request, options, route.handlers)
    else:
        assert case.integration is not None
        result = invoke(case.integration, case.request, options)
    response = result.response
    return _Outcome(response.body_text(), response.status, response.headers, result.failure)


def _check(case: Case, outcome: _Outcome) -> tuple[str, DiffResult | None] | None:
    """The first expectation that does not hold, with the diff that shows why."""
    expect, output = case.expect, outcome.output
    if expect.body is not None and output != expect.body:
        diff = compare_outputs(output, expect.body, strict=True)
        if not diff.unified:
            diff.unified = unified_diff(output, expect.body)
        return "the output differs from expect.body", diff
    if expect.has_json:
        try:
            value = json.loads(output)
        except (ValueError, RecursionError) as exc:
            return f"expect.json: the output is not JSON ({exc})", None
        differences = json_differences(value, expect.json)
        if differences is None:
            return "expect.json: the output nests too deeply to compare", None
        if differences:
            return "the output differs from expect.json", DiffResult("json", False, differences, [])
    if expect.body_pattern is not None:
        too_slow = LimitReached(f"expect.bodyPattern took longer than {MAX_RENDER_SECONDS:g} seconds to match")
        try:
            with deadline_alarm(time.monotonic() + MAX_RENDER_SECONDS, lambda: too_slow):
                matched = re.fullmatch(expect.body_pattern, output, re.DOTALL) is not None
        except LimitReached as exc:
            return str(exc), None
        if not matched:
            return f"the output does not match expect.bodyPattern {expect.body_pattern!r}", None
    if expect.status is not None and outcome.status != expect.status:
        return f"expect.status: {expect.status}, got {outcome.status}", None
    for name, value in expect.headers.items():
        values = find_header(outcome.headers, name)
        actual = ", ".join(values) if values is not None else None
        if actual != value:
            return f"expect.headers.{name}: {value!r}, got {actual!r}", None
    return None


def _status(case: Case, rendered: RenderResult) -> int:
    """A render case's status: ``$context.responseOverride.status`` when the template set it,
    else the backend's (render-response) or 200."""
    override = rendered.response_override.get("status")
    if override is not None:
        try:
            return int(str(override))
        except ValueError:
            return -1
    return case.response.status if case.response is not None else 200


def run_cases(
    cases: Iterable[Case],
    *,
    fail_fast: bool = False,
    on_result: Callable[[CaseResult], None] | None = None,
    aws_endpoint: AwsEndpoint | None = None,
    jobs: int = 1,
    keep_passed: bool = True,
) -> TestReport:
    """Run ``cases``, in ``jobs`` processes when more than one (results in case order). In
    one process the cases are taken one at a time and, without ``keep_passed``, only the
    failed results are kept: memory does not grow with the suite."""
    report = TestReport()
    run_one = partial(run_case, aws_endpoint=aws_endpoint)
    results: Iterable[CaseResult] = map(run_one, cases)
    if jobs > 1 and can_fork():
        suite = list(cases)  # the forked workers share the loaded suite
        if len(suite) > 1:
            results, on_result = _in_parallel(suite, run_one, jobs, fail_fast, on_result), None
        else:
            results = map(run_one, suite)
    for result in results:
        report.add(result, keep=keep_passed)
        if on_result is not None:
            on_result(result)
        if fail_fast and result.status == "failed":
            break  # in parallel too: at the first failure in case order, as one process stops
    return report


def _in_parallel(
    suite: list[Case],
    run_one: Callable[[Case], CaseResult],
    jobs: int,
    fail_fast: bool,
    on_result: Callable[[CaseResult], None] | None,
) -> Iterator[CaseResult]:
    """The results of ``suite`` run in ``jobs`` processes (``on_result`` told of each as it
    finishes), in case order once all are in."""
    finished: dict[int, CaseResult] = {}
    for position, result in run_parallel(suite, run_one, min(jobs, len(suite)), fail_fast=fail_fast):
        finished[position] = result
        if on_result is not None:
            on_result(result)
    return (finished[position] for position in sorted(finished))


def update_case_files(case_files: list[CaseFile], report: TestReport) -> list[Path]:
    """``--update``: write each failed case's output over its ``expect.body``/``expect.json``."""
    outputs: dict[Path, dict[str, str]] = {}
    for result in report.results:
        if result.status == "failed" and result.output is not None and result.case.expect.error is None:
            outputs.setdefault(result.case.file, {})[result.case.id] = result.output
    return [
        case_file.path
        for case_file in case_files
        if case_file.path in outputs and update_expectations(case_file, outputs[case_file.path])
    ]
