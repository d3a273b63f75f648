"""``apigw test --jobs N`` and ``--shard I/N``: the same results as one process, and shards
that together run every case exactly once. Real processes, real case files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apigw_cli.errors import ExitStatus
from tests.helpers import ROOT


def suite(folder: Path, files: int = 3, per_file: int = 7) -> list[str]:
    """Case files of render cases (one failing, one skipped, one invoke); their ids."""
    ids = []
    for number in range(files):
        cases = []
        for index in range(per_file):
            case_id = f"f{number}-case-{index}"
            ids.append(case_id)
            case = {
                "id": case_id,
                "kind": "render-request",
                "template": '{"n": $input.json(\'$.n\'), "id": "$input.params(\'id\')"}',
                "request": {"pathParameters": {"id": case_id}, "json": {"n": index}},
                "expect": {"json": {"n": index, "id": case_id}},
            }
            if (number, index) == (1, 3):
                case["expect"] = {"json": {"n": -1, "id": case_id}}  # fails, with a diff
            if (number, index) == (2, 5):
                case["skip"] = "not today"
            if (number, index) == (0, 6):
                case = {
                    "id": case_id,
                    "kind": "invoke",
                    "integration": {
                        "type": "mock",
                        "requestTemplates": {"application/json": '{"statusCode": 201}'},
                        "responses": {"default": {"statusCode": "201"}},
                    },  # fmt: skip
                    "expect": {"status": 201},
                }
            cases.append(case)
        (folder / f"cases-{number}.json").write_text(json.dumps(cases), encoding="utf-8")
    return ids


def run_json(folder: Path, *args: str) -> tuple[int, dict[str, object]]:
    completed = subprocess.run(
        [sys.executable, "-m", "apigw_cli", "test", str(folder), "--json", *args],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    return completed.returncode, json.loads(completed.stdout)


def outcome(report: dict[str, object]) -> list[tuple[object, ...]]:
    cases = report["cases"]
    assert isinstance(cases, list)
    return [(case["id"], case["status"], case["message"], json.dumps(case["diff"])) for case in cases]


def test_jobs_give_the_results_of_one_process_in_case_order(tmp_path: Path) -> None:
    ids = suite(tmp_path)
    code, single = run_json(tmp_path)
    parallel_code, parallel = run_json(tmp_path, "--jobs", "3")
    assert (code, parallel_code) == (ExitStatus.DIFFERENT, ExitStatus.DIFFERENT)
    assert outcome(parallel) == outcome(single)
    assert [case[0] for case in outcome(parallel)] == ids
    assert parallel["summary"] == {"passed": 19, "failed": 1, "skipped": 1}


def test_shards_together_run_every_case_exactly_once(tmp_path: Path) -> None:
    ids = suite(tmp_path, files=4, per_file=9)
    seen: list[object] = []
    for index in range(1, 6):
        _, report = run_json(tmp_path, "--shard", f"{index}/5", "--jobs", "2")
        shard_ids = [case[0] for case in outcome(report)]
        assert shard_ids, f"shard {index}/5 ran nothing"
        seen += shard_ids
    assert sorted(seen) == sorted(ids)  # each once: no case twice, none left out


def test_a_shard_is_the_same_on_every_run(tmp_path: Path) -> None:
    suite(tmp_path)
    first = [case[0] for case in outcome(run_json(tmp_path, "--shard", "2/4")[1])]
    again = [case[0] for case in outcome(run_json(tmp_path, "--shard", "2/4", "--jobs", "4")[1])]
    assert first == again


@pytest.mark.parametrize(("args", "message"), [
    (["--shard", "0/2"], "--shard '0/2': expected I/N with 1 <= I <= N"),
    (["--shard", "3/2"], "--shard '3/2': expected I/N with 1 <= I <= N"),
    (["--shard", "a/b"], "--shard 'a/b': expected I/N"),
    (["--jobs", "0"], "--jobs 0: expected at least 1 process"),
])  # fmt: skip
def test_bad_jobs_or_shards_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    suite(tmp_path, files=1, per_file=2)
    completed = subprocess.run(
        [sys.executable, "-m", "apigw_cli", "test", str(tmp_path), *args], capture_output=True, text=True, check=False
    )
    assert completed.returncode == ExitStatus.USAGE
    assert completed.stderr.startswith(f"apigw: error: {message}")


def test_exitfirst_with_jobs_stops_and_fails(tmp_path: Path) -> None:
    suite(tmp_path, files=3, per_file=40)
    code, report = run_json(tmp_path, "--jobs", "2", "-x")
    assert code == ExitStatus.DIFFERENT
    summary = report["summary"]
    assert isinstance(summary, dict) and summary["failed"] == 1


def test_exitfirst_with_jobs_stops_where_one_process_stops(tmp_path: Path) -> None:
    cases = [
        {"id": f"c{index:03d}", "kind": "render-request", "template": "$input.params('n')",
         "request": {"query": {"n": str(index)}},
         "expect": {"body": "wrong" if index in (5, 40, 50, 70) else str(index)}}
        for index in range(80)
    ]  # fmt: skip
    (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    code, sequential = run_json(tmp_path, "-x")
    for _ in range(3):
        parallel_code, parallel = run_json(tmp_path, "-x", "--jobs", "3")
        assert (parallel_code, outcome(parallel), parallel["summary"]) == (
            code,
            outcome(sequential),
            sequential["summary"],
        )
    assert sequential["summary"] == {"passed": 5, "failed": 1, "skipped": 0}


def test_help_before_a_command_lists_every_command() -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "apigw_cli", "-h", "render"], capture_output=True, text=True, check=False
    )
    assert all(f"  {name} " in listing.stdout for name in ("render", "test", "invoke", "soap", "templates"))
