"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.backend import Backend, free_port, serve_backend
from tests.helpers import ROOT

#: The atheris runner needs atheris, which only `make fuzz` installs: not a test module.
collect_ignore = ["fuzz/run_atheris.py"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite tests/golden expectations from actual output."
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run should rewrite golden files instead of comparing with them."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def runner() -> CliRunner:
    """A Typer test runner with stdout and stderr kept apart."""
    return CliRunner()


@pytest.fixture
def templates_dir() -> Path:
    """The starter templates shipped in templates/."""
    return ROOT / "templates"


@pytest.fixture
def samples_dir() -> Path:
    """The sample requests and responses shipped in samples/."""
    return ROOT / "samples"


@pytest.fixture
def backend() -> Iterator[Backend]:
    """A real HTTP server on 127.0.0.1 that records requests and answers as the test says."""
    with serve_backend() as server:
        yield server


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    return free_port()
