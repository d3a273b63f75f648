"""Running a suite beyond one process: ``--shard I/N`` splits it across CI runners, ``--jobs N``
across this machine's processes.

Workers are forked from the process that loaded the cases, so they share its parsed case
files and compiled templates; each gets the positions of the cases to run and sends back
plain results (status, message, diff, output), which the parent joins to its own cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from apigw_cli.errors import UsageError

if TYPE_CHECKING:
    from concurrent.futures import Future

    from apigw_cli.cases import Case
    from apigw_cli.runner import CaseResult

_SHARD = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)")
#: Cases a worker takes at a time: enough to pay for the round trip, few enough to balance.
_CHUNK = 32


def parse_shard(text: str) -> tuple[int, int]:
    """``I/N`` as (I, N), 1 <= I <= N.

    >>> parse_shard("2/3")
    (2, 3)
    """
    match = _SHARD.fullmatch(text.strip())
    if match is None or int(match.group(1)) > int(match.group(2)):
        raise UsageError(f"--shard {text!r}: expected I/N with 1 <= I <= N, such as 1/4")
    return int(match.group(1)), int(match.group(2))


def shard(cases: list[Case], index: int, count: int) -> list[Case]:
    """The cases shard ``index`` of ``count`` runs: every ``count``-th case, from the
    ``index``-th, in the suite's own order (files sorted by path, cases in file order). The
    shards of one suite run each case exactly once, whatever each runner's file order."""
    return cases[index - 1 :: count]


# What a worker runs: set in the parent before the pool forks, read by the children.
_suite: list[Case] = []
_run_one: Callable[[Case], CaseResult] | None = None


def run_parallel(
    cases: list[Case],
    run_one: Callable[[Case], CaseResult],
    jobs: int,
    *,
    fail_fast: bool,
) -> Iterator[tuple[int, CaseResult]]:
    """Run ``cases`` in ``jobs`` forked processes; yields (position, result) as they finish.
    With ``fail_fast``, cases not yet started are dropped after the first failure."""
    import multiprocessing  # only a parallel run needs them
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    global _suite, _run_one
    _suite, _run_one = cases, run_one
    context = multiprocessing.get_context("fork")
    chunks = [list(range(start, min(start + _CHUNK, len(cases)))) for start in range(0, len(cases), _CHUNK)]
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            pending: set[Future[list[tuple[int, dict[str, Any]]]]] = {
                pool.submit(_run_chunk, chunk) for chunk in chunks
            }
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                failed = False
                for future in done:
                    for position, fields in future.result():
                        result = _rebuilt(cases[position], fields)
                        failed = failed or result.status == "failed"
                        yield position, result
                if failed and fail_fast:
                    for future in pending:
                        future.cancel()
                    return
    finally:
        _suite, _run_one = [], None


def _run_chunk(positions: list[int]) -> list[tuple[int, dict[str, Any]]]:
    assert _run_one is not None
    results = []
    for position in positions:
        result = _run_one(_suite[position])
        fields = {name: getattr(result, name) for name in ("status", "message", "diff", "output", "seconds")}
        results.append((position, fields))
    return results


def _rebuilt(case: Case, fields: dict[str, Any]) -> CaseResult:
    from apigw_cli.runner import CaseResult

    return CaseResult(case, **fields)


def can_fork() -> bool:
    """Whether worker processes can be forked here (not on Windows)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
