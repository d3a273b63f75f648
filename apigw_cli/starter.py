"""The starter template library: real-world mapping templates to copy into a project."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from apigw_cli.errors import InputError


@dataclass(frozen=True)
class StarterTemplate:
    name: str
    path: Path
    #: The first line of the template's leading ``##`` comment.
    summary: str


def starter_folder() -> Path:
    """Where the starter templates are: inside the installed package (a wheel ships
    ``templates/`` as ``apigw_cli/starter``), else the source tree's ``templates/``."""
    installed = Path(__file__).parent / "starter"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "templates"


def list_templates() -> list[StarterTemplate]:
    templates = []
    for path in sorted(starter_folder().glob("*.vtl"), key=lambda path: path.stem):
        first = path.read_text(encoding="utf-8").splitlines()[:1]
        summary = first[0].removeprefix("##").strip() if first and first[0].startswith("##") else ""
        templates.append(StarterTemplate(path.stem, path, summary))
    return templates


def find_template(name: str) -> StarterTemplate:
    for template in list_templates():
        if template.name == name.removesuffix(".vtl"):
            return template
    known = ", ".join(template.name for template in list_templates())
    raise InputError(f"no starter template named {name!r}", hint=f"the templates are: {known}")
