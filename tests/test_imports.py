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
print("EXIT", code, "LOADED", ",".join(sorted(sys.modules)), file=sys.stderr)
"""


def run_and_list_modules(*args: str, packages: bool = True) -> tuple[int, set[str]]:
    """The exit code and the modules loaded: top-level packages, or every module's full name."""
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)
    last = result.stderr.strip().splitlines()[-1].split()
    assert last[0] == "EXIT" and last[2] == "LOADED", result.stderr
    names = set(last[3].split(","))
    return int(last[1]), {name.split(".")[0] for name in names} if packages else names


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


def test_the_json_path_parser_is_loaded_by_the_first_path_read(tmp_path: Path) -> None:
    """Issue 12: a template reading only ``params()`` starts without it (3 ms)."""
    template = tmp_path / "t.vtl"
    for text, loaded in (("$input.params('id')", False), ("$input.path('$.id')", True)):
        template.write_text(text, encoding="utf-8")
        code, modules = run_and_list_modules("render", str(template), "-p", "id=7", packages=False)
        assert code == 0
        assert ("apigw_cli.vtl.jsonpath" in modules) is loaded


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
