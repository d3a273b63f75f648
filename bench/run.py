"""``make bench``: every speed and memory target of apigw, each beside its measured figure and
ratio, in one run (see docs/performance.md for the method and the numbers).

Speed targets live here, never in timed tests. Rendering is compared with airspeed-ext
rendering the same templates with plain Python objects, measured in alternating rounds of
CPU time, so that a busy machine slows both sides alike.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apigw_cli.render import render_template  # noqa: E402
from apigw_cli.runner import iter_cases, run_cases  # noqa: E402
from apigw_cli.samples import request_from_mapping  # noqa: E402
from apigw_cli.vtl.context import Identity  # noqa: E402
from apigw_cli.vtl.engine import compile_template  # noqa: E402
from bench.workloads import WORKLOADS, Workload, airspeed_renderer, apigw_renderer, scaled  # noqa: E402

BIN = Path(sys.executable).parent
#: Alternating rounds per comparison; the median counts.
ROUNDS = 9
#: CPU seconds per round and side.
ROUND_SECONDS = 0.2
#: CPU seconds of renders between two reads of the clock.
BATCH_SECONDS = 0.001
#: Start-up runs per command (alternating); the median counts.
START_RUNS = 21
#: Cases per `apigw test` throughput measure (fewer for the large payload).
SUITE_CASES = {"passthrough": 2000, "foreach": 300, "soap": 1000, "filter": 100}

results: list[tuple[str, bool]] = []


def report(label: str, measured: str, target: str, ok: bool) -> None:
    results.append((label, ok))
    print(f"  {label:<52} {measured:>26}   target {target:<16} {'met' if ok else 'MISSED'}")


def rate(render: Callable[[], object]) -> float:
    """Renders per CPU second over one round, in batches of about a millisecond: reading the
    CPU clock costs 0.8 us, which read after every render would count in a small template's
    render on either side."""
    start = time.process_time()
    render()
    batch = max(1, int(BATCH_SECONDS / max(time.process_time() - start, 1e-7)))
    count, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < ROUND_SECONDS:
        for _ in range(batch):
            render()
        count += batch
    return count / elapsed


def compared(ours: Callable[[], object], theirs: Callable[[], object]) -> tuple[float, float, float]:
    """(our renders/s, theirs, median ratio of alternating rounds)."""
    ours(), theirs()
    mine, other, ratios = [], [], []
    for _ in range(ROUNDS):
        a, b = rate(ours), rate(theirs)
        mine.append(a), other.append(b), ratios.append(a / b)
    return statistics.median(mine), statistics.median(other), statistics.median(ratios)


def start_up() -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".vtl", delete=False) as small:
        small.write('{"id": "$input.params(\'id\')", "request": "$context.requestId"}')
    python = str(BIN / "python")
    commands = {
        "import typer": [python, "-c", "import typer"],
        "apigw --help": [str(BIN / "apigw"), "--help"],
        "apigw render SMALL": [str(BIN / "apigw"), "render", small.name, "-p", "id=7"],
    }
    # Bytecode as a user's installation has it (this shell may forbid writing it).
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(START_RUNS):
        for label, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, env=environment)
            times[label].append(time.perf_counter() - start)
    Path(small.name).unlink()
    base = statistics.median(times["import typer"])
    print(f"Cold start (median wall time of {START_RUNS} alternating runs; python -c 'import typer' = 1x):")
    for label in ("apigw --help", "apigw render SMALL"):
        seconds = statistics.median(times[label])
        report(label, f"{seconds * 1000:.0f} ms = {seconds / base:.2f}x", "<= 1.50x", seconds / base <= 1.5)


def steady_state() -> None:
    print("\nSteady-state rendering, apigw's whole render path vs airspeed-ext with plain objects:")
    for workload in WORKLOADS:
        mine, theirs, ratio = compared(apigw_renderer(workload), airspeed_renderer(workload))
        report(
            f"{workload.name}: {workload.summary[:40]}",
            f"{mine:,.0f}/s vs {theirs:,.0f}/s = {ratio:.2f}x",
            ">= 2x (aim 4x)",
            ratio >= 2,
        )


def suite_throughput() -> None:
    """`apigw test`'s own path: a .json case file of cases sharing one template, in one process.
    Each of three repetitions times M cases and one case, beside a round of airspeed-ext's
    renders, so that the machine's pace at that moment divides out; the median ratio counts."""
    print("\napigw test, one .json case file per template, one process (time for M cases minus one):")
    for workload in WORKLOADS:
        count = SUITE_CASES[workload.name]
        theirs = airspeed_renderer(workload)
        theirs()
        rates, ratios = [], []
        for _ in range(3):
            airspeed_rate = rate(theirs)
            renders = (count - 1) / (_suite_seconds(workload, count) - _suite_seconds(workload, 1))
            airspeed_rate = (airspeed_rate + rate(theirs)) / 2
            rates.append(renders)
            ratios.append(renders / airspeed_rate)
        ratio = statistics.median(ratios)
        report(
            f"{workload.name}: {count:,} cases",
            f"{statistics.median(rates):,.0f}/s = {ratio:.2f}x airspeed",
            ">= 2x airspeed",
            ratio >= 2,
        )


def _suite_seconds(workload: Workload, count: int) -> float:
    template = compile_template(workload.template, f"{workload.name}.vtl")
    request = {"method": "POST", "headers": {"Content-Type": "application/json"}, "body": workload.body}
    expected = render_template(
        template, request_from_mapping(request, "bench"), identity=Identity.deterministic()
    ).output
    case = {"kind": "render-request", "template": workload.template, "request": request, "expect": {"body": expected}}
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "cases.json").write_text(
            json.dumps([{"id": f"case-{index}", **case} for index in range(count)]), encoding="utf-8"
        )
        compile_template.cache_clear()  # each measure parses the template once, as a new process does
        start = time.process_time()
        suite = run_cases(iter_cases([folder]), keep_passed=False)  # as `apigw test` runs them
        elapsed = time.process_time() - start
    assert suite.ok, suite.summary
    return elapsed


def growth() -> None:
    """How cost grows with loop length and body size (not a target: the table in the docs)."""
    print("\nHow cost grows (CPU time per render, apigw vs airspeed-ext; not a target):")
    for name, sizes in (("foreach", (10, 100, 1000)), ("passthrough", (2, 5_000, 50_000, 500_000))):
        for size in sizes:
            workload = scaled(name, size)
            mine, theirs, ratio = compared(apigw_renderer(workload), airspeed_renderer(workload))
            print(
                f"  {workload.summary:<24} body {len(workload.body) / 1024:>8,.1f} KB"
                f"   {1000 / mine:9.3f} ms vs {1000 / theirs:9.3f} ms = {ratio:.2f}x"
            )


def small_cases() -> None:
    with tempfile.TemporaryDirectory() as folder:
        cases = [
            {
                "id": f"case-{index}",
                "kind": "render-request",
                "template": '{"id": "$input.params(\'id\')", "n": $input.json(\'$.n\'), "i": INDEX}'.replace(
                    "INDEX", str(index)
                ),
                "request": {"pathParameters": {"id": str(index)}, "json": {"n": index}},
                "expect": {"json": {"id": str(index), "n": index, "i": index}},
            }
            for index in range(1000)
        ]
        (Path(folder) / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
        start = time.perf_counter()
        completed = subprocess.run([str(BIN / "apigw"), "test", folder], capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
    assert completed.returncode == 0, completed.stdout
    print("\napigw test on 1,000 small render cases, each its own template (the whole command):")
    report("1,000 cases", f"{elapsed:.2f} s", "<= 2 s", elapsed <= 2)


def memory() -> None:
    print("\nMemory (peak RSS of the whole process):")
    with tempfile.TemporaryDirectory() as folder:
        items = [{"id": index, "name": f"item {index:07d}", "tags": ["a", "b"]} for index in range(170_000)]
        payload = json.dumps({"items": items})  # just under API Gateway's 10 MB
        assert len(payload) < 10 * 1024 * 1024
        request = Path(folder) / "big.json"
        request.write_text(json.dumps({"headers": {"Content-Type": "application/json"}, "body": payload}))
        template = Path(folder) / "big.vtl"
        template.write_text("#set($items = $input.path('$.items'))$items.size() $input.json('$.items[0]')\n")
        peak = _peak_rss([str(BIN / "apigw"), "render", str(template), "--request", str(request)])
        size = len(payload.encode())
        report(
            f"apigw render over a {size / 1e6:.1f} MB body",
            f"{peak / 1e6:.0f} MB = {peak / size:.1f}x the body",
            "< 10x the body",
            peak < 10 * size,
        )
        peaks = {}
        for count in (1000, 10_000):
            suite = Path(folder) / f"suite{count}"
            suite.mkdir()
            case = {"kind": "render-request", "template": "{\"n\": $input.json('$.n')}"}
            cases = [
                {"id": f"c{index}", **case, "request": {"json": {"n": index}}, "expect": {"json": {"n": index}}}
                for index in range(count)
            ]
            (suite / "cases.json").write_text(json.dumps(cases))
            peaks[count] = _peak_rss([str(BIN / "apigw"), "test", str(suite)])
        per_case = (peaks[10_000] - peaks[1000]) / 9000
        report(
            "apigw test, 1,000 -> 10,000 small cases",
            f"{peaks[1000] / 1e6:.0f} -> {peaks[10_000] / 1e6:.0f} MB ({per_case / 1024:.1f} KB/case)",
            "no growth",
            per_case < 512,
        )


def _peak_rss(command: list[str]) -> int:
    """The command's peak resident memory in bytes, measured in a fresh process of its own."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True, check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    completed = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True)
    return int(completed.stdout) * 1024


if __name__ == "__main__":
    start_up()
    steady_state()
    suite_throughput()
    small_cases()
    memory()
    growth()
    missed = [label.split(":")[0] for label, ok in results if not ok]
    print(
        f"\n{len(results) - len(missed)} of {len(results)} targets met"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
