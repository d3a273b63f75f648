"""The wheel carries every package: pyproject lists them by hand (the starter templates are
mapped in from templates/), so a new subpackage must be added there too."""

from __future__ import annotations

import tomllib

from tests.helpers import ROOT


def test_every_package_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "apigw_cli").rglob("__init__.py")}
    assert found <= listed
    assert "apigw_cli.starter" in listed
