"""``make bench``: start-up time and steady-state rendering speed, printed side by side.

Speed targets live here, never in timed tests. Each figure is the best of several runs on
this machine, so the numbers compare commands measured in the same run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apigw_cli.render import render_template  # noqa: E402
from apigw_cli.samples import read_request_file, read_response_file  # noqa: E402
from apigw_cli.vtl.context import Identity  # noqa: E402
from apigw_cli.vtl.engine import compile_template  # noqa: E402

BIN = Path(sys.executable).parent
#: Start-up runs per command; the best one counts.
START_RUNS = 15
#: Seconds spent rendering each template.
RENDER_SECONDS = 1.0
#: Each starter template with its samples, as the golden tests pair them.
GOLDEN_CASES = sorted((ROOT / "tests" / "golden" / "render").glob("*/case.json"))


def best_wall_time(command: list[str]) -> float:
    best = float("inf")
    for _ in range(START_RUNS):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def start_up() -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".vtl", delete=False) as small:
        small.write('{"id": "$input.params(\'id\')", "request": "$context.requestId"}')
    python = str(BIN / "python")
    commands = [
        ("python3 -c pass", [python, "-c", "pass"]),
        ("python3 -c 'import typer'", [python, "-c", "import typer"]),
        ("apigw --help", [str(BIN / "apigw"), "--help"]),
        ("apigw render SMALL -p id=7", [str(BIN / "apigw"), "render", small.name, "-p", "id=7"]),
    ]
    times = {label: best_wall_time(command) for label, command in commands}
    baseline = times["python3 -c pass"]
    print(f"Start-up, best of {START_RUNS} runs:")
    for label, seconds in times.items():
        print(f"  {label:<32} {seconds * 1000:7.1f} ms  {seconds / baseline:5.2f}x python3 -c pass")
    Path(small.name).unlink()


def steady_state() -> None:
    print(f"\nSteady-state rendering ({RENDER_SECONDS:g} s each; compiled once, fresh $input/$context per render):")
    for case_file in GOLDEN_CASES:
        case = json.loads(case_file.read_text(encoding="utf-8"))
        request = read_request_file(str(ROOT / case["request"]))
        response = read_response_file(str(ROOT / case["response"])) if case.get("response") else None
        template = compile_template((ROOT / case["template"]).read_text(encoding="utf-8"), case["template"])
        identity = Identity.deterministic()
        count = 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < RENDER_SECONDS:
            render_template(template, request, response=response, identity=identity)
            count += 1
        print(f"  {case_file.parent.name:<24} {count / elapsed:10,.0f} renders/s")


if __name__ == "__main__":
    start_up()
    steady_state()
