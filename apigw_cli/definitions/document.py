"""Read a definition file: JSON (by name or by content), or YAML with CloudFormation's
short-form tags; and a local OpenAPI file a template points to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apigw_cli.definitions.api import Api
from apigw_cli.definitions.intrinsics import cloudformation_loader
from apigw_cli.definitions.openapi import is_openapi, read_openapi
from apigw_cli.documents import parse_json, parse_yaml, read_text
from apigw_cli.errors import DefinitionError


def load_openapi_file(path: Path, *, name: str) -> Api:
    """A local OpenAPI file a template points to (``DefinitionUri``)."""
    data = read_definition_document(path)
    if not is_openapi(data):
        raise DefinitionError(f"{path}: expected an OpenAPI document (with 'swagger' or 'openapi')")
    return read_openapi(data, str(path), name=name)


def read_definition_document(path: Path) -> Any:
    """The parsed file: JSON, or YAML with CloudFormation's short-form tags."""
    text = read_text(str(path), what="definition")
    # JSON by name or by content (CloudFormation's JSON templates are often *.template).
    if path.suffix.lower() == ".json" or text.lstrip("\ufeff \t\r\n").startswith("{"):
        return parse_json(text, str(path), unique_keys=True)
    return parse_yaml(text, str(path), loader=cloudformation_loader())[1]
