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
    With ``fail_fast``, chunks not yet started are dropped after a failure (the caller keeps
    what comes before the first failure in case order). A worker that dies (killed for its
    memory...) fails the cases it had, and those never run, with a message saying so."""
    import multiprocessing  # only a parallel run needs them
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    global _suite, _run_one
    _suite, _run_one = cases, run_one
    context = multiprocessing.get_context("fork")
    chunks = [list(range(start, min(start + _CHUNK, len(cases)))) for start in range(0, len(cases), _CHUNK)]
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            chunk_of: dict[Future[list[tuple[int, dict[str, Any]]]], list[int]] = {
                pool.submit(_run_chunk, chunk): chunk for chunk in chunks
            }
            pending = set(chunk_of)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future.cancelled():
                        continue
                    try:
                        finished = future.result()
                    except BrokenProcessPool:
                        lost = [position for item in (future, *pending) for position in chunk_of[item]]
                        for position in sorted(lost):
                            yield position, _rebuilt(cases[position], _LOST)
                        return
                    for position, fields in finished:
                        result = _rebuilt(cases[position], fields)
                        yield position, result
                        if fail_fast and result.status == "failed":
                            for other in pending:
                                other.cancel()  # those not started; running ones finish
    finally:
        _suite, _run_one = [], None


#: The result of a case whose worker process died.
_LOST: dict[str, Any] = {
    "status": "failed",
    "message": "the worker process running this case died (killed for its memory?); run it with --jobs 1",
}


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
