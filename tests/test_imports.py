"""Start-up stays cheap: ``apigw --help`` and a small ``apigw render`` import nothing they do
not use (issue 2 §6). Speed itself is measured by ``make bench``, not here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = {"rich", "lxml", "yaml", "pydantic", "airspeed"}

PROBE = """
import sys
from apigw_cli.cli import app
try:
    app(sys.argv[1:], prog_name="apigw")
except SystemExit as exit:
    code = exit.code
print("EXIT", code, "LOADED", ",".join(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def run_and_list_modules(*args: str) -> tuple[int, set[str]]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)
    last = result.stderr.strip().splitlines()[-1].split()
    assert last[0] == "EXIT" and last[2] == "LOADED", result.stderr
    return int(last[1]), set(last[3].split(",")) if len(last) > 3 else set()


def test_help_loads_no_engine_and_no_heavy_library() -> None:
    code, modules = run_and_list_modules("--help")
    assert code == 0
    assert modules & HEAVY == set()


def test_a_small_render_loads_only_the_engine(tmp_path: Path) -> None:
    template = tmp_path / "t.vtl"
    template.write_text("$input.params('id')", encoding="utf-8")
    code, modules = run_and_list_modules("render", str(template), "-p", "id=7")
    assert code == 0
    assert modules & HEAVY == {"airspeed"}
    assert modules & {"decimal", "random"} == set()  # issue 12: each costs a millisecond a start


def test_the_invoke_api_is_public() -> None:
    import apigw_cli
    from apigw_cli.invoke import invoke

    assert apigw_cli.invoke_integration is invoke
    assert {"invoke_integration", "InvokeOptions", "InvokeResult", "load_integration"} <= set(apigw_cli.__all__)


def test_one_command_builds_only_that_command(tmp_path: Path) -> None:
    """``apigw render`` does not import the other commands' modules; ``--help`` lists all."""
    template = tmp_path / "t.vtl"
    template.write_text("$input.params('id')", encoding="utf-8")
    probe = (
        "import sys; from apigw_cli.cli import main; sys.argv = ['apigw', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(name for name in sys.modules if name.startswith('apigw_cli.cli.'))), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "--traceback", "render", str(template), "-p", "id=7"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.stdout == "7"
    loaded = set(result.stderr.split())
    assert "apigw_cli.cli.render" in loaded
    assert loaded.isdisjoint(
        {"apigw_cli.cli.soap", "apigw_cli.cli.invoke", "apigw_cli.cli.lint", "apigw_cli.cli.check"}
    )
    listing = subprocess.run([sys.executable, "-m", "apigw_cli", "--help"], capture_output=True, text=True, check=False)
    assert all(f"  {name} " in listing.stdout for name in ("render", "diff", "test", "lint", "check", "invoke", "soap"))
