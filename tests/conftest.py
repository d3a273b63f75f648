"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import ROOT


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
