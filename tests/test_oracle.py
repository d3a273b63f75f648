"""Opt-in: every expectation in the tests that states Velocity 1.7's own behaviour is checked
against the real Velocity 1.7 (shared/oracle). It needs Java and the oracle set up, so it
runs only with ``APIGW_ORACLE=1`` (``make oracle``) and says so when it is skipped.

API Gateway's differences from Velocity (null conditions, JSON list printing) are not in
these tables: they live in ``AWS_CASES`` and cite the recordings instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import SHARED
from tests.vtl import test_engine, test_java_semantics, test_whitespace

ORACLE = SHARED / "oracle" / "velocity-render"
VELOCITY_TABLES = {"whitespace": test_whitespace.CASES, "engine": test_engine.CASES, "java": test_java_semantics.CASES}

pytestmark = pytest.mark.skipif(
    os.environ.get("APIGW_ORACLE") != "1" or not ORACLE.exists() or shutil.which("java") is None,
    reason="the Velocity 1.7 oracle check is opt-in: run `make oracle` (needs Java and shared/oracle/setup.sh)",
)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param(case[1], case[2], id=f"{table}-{case[0]}")
        for table, cases in VELOCITY_TABLES.items()
        for case in cases
    ],
)
def test_expectation_is_velocity_17s_output(tmp_path: Path, template: str, expected: str) -> None:
    template_file = tmp_path / "t.vtl"
    template_file.write_text(template, encoding="utf-8")
    request_file = tmp_path / "r.json"
    request_file.write_text("{}", encoding="utf-8")
    result = subprocess.run(
        [str(ORACLE), "--aws-null-empty", str(template_file), str(request_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected
