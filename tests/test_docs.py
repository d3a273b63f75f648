"""The README is for users, so it must stay true: every ``console`` example runs and prints
what the README shows, and every command appears in it with its help."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cli.cli import app
from tests.aws import isolated_environment, serve_moto
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def console_examples() -> list[tuple[str, str]]:
    """``(command, expected output)`` for each ``$ `` line of the README's console blocks."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        parts = re.split(r"^\$ (.*)\n", block, flags=re.M)
        for command, output in zip(parts[1::2], parts[2::2], strict=True):
            examples.append((command, output))
    return examples


#: The README's local AWS endpoint, as its ``moto_server`` line starts it.
README_AWS_PORT = 5005


@pytest.fixture(scope="module")
def readme_aws_endpoint() -> Iterator[str]:
    """moto's server where the README starts it, fresh for the examples, which run in order."""
    assert f"moto_server -H 127.0.0.1 -p {README_AWS_PORT} &" in README
    with serve_moto(port=README_AWS_PORT) as url:
        yield url


@pytest.mark.parametrize(("command", "expected"), console_examples(), ids=lambda value: value[:50])
def test_readme_examples_print_what_the_readme_shows(
    command: str, expected: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    if "--aws-endpoint" in command:
        request.getfixturevalue("readme_aws_endpoint")
        environment.update(isolated_environment(tmp_path, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test"))
    result = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, cwd=ROOT, env=environment, check=False
    )
    # As a terminal shows it: stdout, then stderr on the next line; a README block cannot show
    # output without a final line break.
    shown = result.stdout
    if shown and result.stderr and not shown.endswith("\n"):
        shown += "\n"
    shown += result.stderr
    if shown and not shown.endswith("\n"):
        shown += "\n"
    assert measured(shown) == measured(expected)


def measured(text: str) -> str:
    """``text`` with measured durations blanked: the README shows one run's, each run has its own."""
    return re.sub(r"Integration latency: \d+ ms", "Integration latency: N ms", text)


def test_the_readme_has_examples() -> None:
    assert len(console_examples()) >= 3


def test_every_command_is_documented_and_has_help() -> None:
    runner = CliRunner()
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        assert f"apigw {name}" in README
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0
        assert "Usage: apigw" in result.stdout


def test_the_exit_code_table_matches_the_code() -> None:
    from apigw_cli.errors import ExitStatus

    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", README, re.M)}
    assert documented == {int(status) for status in ExitStatus}


def help_examples() -> list[str]:
    """Every command line under "Examples:" in a command's --help (continuations joined),
    subcommands' too."""
    examples = []
    commands = [*app.registered_commands]
    for group in app.registered_groups:
        assert group.typer_instance is not None
        commands += group.typer_instance.registered_commands
    for command in commands:
        text = (command.help or (command.callback.__doc__ if command.callback else "") or "").split("Examples:", 1)
        if len(text) == 2:
            joined = text[1].replace("\\\n", " ")
            examples += [line.strip() for line in joined.splitlines() if "apigw " in line]
    return examples


@pytest.mark.parametrize("example", help_examples(), ids=lambda value: value[:60])
def test_every_help_example_runs(example: str, tmp_path: Path) -> None:
    """Run from a folder that has the repository's templates and samples, so what an example
    writes lands there; exit 1 is a finding (a diff), not a failure."""
    for name in ("templates", "samples"):
        (tmp_path / name).symlink_to(ROOT / name)
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    result = subprocess.run(
        ["sh", "-c", example], capture_output=True, text=True, cwd=tmp_path, env=environment, check=False
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_the_help_has_examples() -> None:
    assert len(help_examples()) >= 16


def test_the_lint_rules_table_lists_every_rule() -> None:
    from apigw_cli.lint.rules import RULES

    documented = re.findall(r"^\| `([a-z0-9-]+)` \| (error|warning|info) \|", README, re.M)
    assert documented == [(rule.id, rule.level) for rule in RULES.values()]
