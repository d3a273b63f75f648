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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apigw_cli.definitions.integration import integration_from_mapping  # noqa: E402
from apigw_cli.integrations.lambda_ import HandlerSpec  # noqa: E402
from apigw_cli.invoke import InvokeOptions, invoke  # noqa: E402
from apigw_cli.render import render_template  # noqa: E402
from apigw_cli.runner import load_cases, run_cases  # noqa: E402
from apigw_cli.samples import request_from_mapping  # noqa: E402
from apigw_cli.vtl.context import Identity  # noqa: E402
from apigw_cli.vtl.engine import compile_template  # noqa: E402

BIN = Path(sys.executable).parent
#: Start-up runs per command; the best one counts.
START_RUNS = 15
#: Seconds spent rendering each template.
RENDER_SECONDS = 1.0
#: Cases in the runner throughput measure.
CASES = 1000


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
    """Each render case of the starter library, rendered again and again."""
    print(f"\nSteady-state rendering ({RENDER_SECONDS:g} s each; compiled once, fresh $input/$context per render):")
    for case_file in load_cases([str(ROOT / "templates")]):
        for case in case_file.cases[:1]:
            assert case.template_source is not None
            template = compile_template(case.template_source, case.template_name)
            identity = Identity.deterministic()
            count = 0
            start = time.perf_counter()
            while (elapsed := time.perf_counter() - start) < RENDER_SECONDS:
                render_template(template, case.request, response=case.response, identity=identity)
                count += 1
            print(f"  {case.id:<48} {count / elapsed:10,.0f} renders/s")


def case_throughput() -> None:
    """1,000 render cases through the runner of `apigw test`, in one process."""
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
            for index in range(CASES)
        ]
        (Path(folder) / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
        start = time.perf_counter()
        report = run_cases([case for case_file in load_cases([folder]) for case in case_file.cases])
        elapsed = time.perf_counter() - start
    assert report.ok, report.summary
    print(
        f"\napigw test on {CASES:,} render cases in one process (load and run): "
        f"{elapsed:.2f} s, {CASES / elapsed:,.0f} cases/s"
    )


def invoke_speed() -> None:
    """Simulated calls: a MOCK call in process, and a Lambda proxy call, whose handler runs in
    a fresh Python process each time (as a cold Lambda does)."""
    mock = integration_from_mapping(
        {
            "type": "mock",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": '{"id": 7}'}}},
        },
        "bench",
    )
    request = request_from_mapping({"pathParameters": {"petId": "7"}}, "bench")
    options = InvokeOptions(identity=Identity.deterministic(), frozen_clock=True)
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < RENDER_SECONDS:
        invoke(mock, request, options)
        count += 1
    print(f"\napigw invoke, MOCK, in process: {count / elapsed:,.0f} calls/s")
    proxy = integration_from_mapping({"type": "aws_proxy", "httpMethod": "POST"}, "bench")
    handler = HandlerSpec.parse("samples/handlers/pets.py:proxy", ROOT)
    options = InvokeOptions(identity=Identity.deterministic(), frozen_clock=True, handler=handler)
    best = min(_timed(lambda: invoke(proxy, request, options)) for _ in range(10))
    print(f"apigw invoke, AWS_PROXY with a Python handler: {best * 1000:.0f} ms per call (best of 10)")


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


if __name__ == "__main__":
    start_up()
    steady_state()
    case_throughput()
    invoke_speed()
