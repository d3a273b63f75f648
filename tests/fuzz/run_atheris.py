"""Coverage-guided fuzzing of one target with atheris (libFuzzer): ``make fuzz``.

    python tests/fuzz/run_atheris.py TARGET SECONDS

An input that raises anything but an ApigwError (or runs past 25 s) is saved under
tests/fuzz/regressions/TARGET/, which the suite then replays."""

from __future__ import annotations

import sys
from pathlib import Path

import atheris  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Every module a target reaches is imported here, so that atheris instruments it (a module
# first imported later, inside a target, would give it no coverage to follow).
with atheris.instrument_imports(include=["apigw_cli"]):
    import apigw_cli.cases
    import apigw_cli.definitions.cloudformation
    import apigw_cli.definitions.intrinsics
    import apigw_cli.definitions.load
    import apigw_cli.definitions.openapi
    import apigw_cli.diff
    import apigw_cli.documents
    import apigw_cli.render
    import apigw_cli.samples
    import apigw_cli.soap.parse
    import apigw_cli.soap.xml
    import apigw_cli.vtl.engine
    import apigw_cli.vtl.jsonpath
    import apigw_cli.vtl.parser  # noqa: F401  (instrumented for coverage)

from tests.fuzz.targets import TARGETS, run  # noqa: E402


def main() -> None:
    name, seconds = sys.argv[1], int(sys.argv[2])
    target = TARGETS[name]
    saved = ROOT / "tests" / "fuzz" / "regressions" / name
    saved.mkdir(parents=True, exist_ok=True)
    options = [
        sys.argv[0],
        f"-max_total_time={seconds}",
        "-timeout=25",
        f"-artifact_prefix={saved}/",
        "-rss_limit_mb=2048",
    ]
    atheris.Setup(options, lambda data: run(target, data))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
