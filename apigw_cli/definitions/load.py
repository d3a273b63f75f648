"""Load an API definition file: an OpenAPI document or a SAM/CloudFormation template, YAML
or JSON, recognised by its content."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apigw_cli.definitions.api import Api, check_declarations
from apigw_cli.definitions.cloudformation import is_cloudformation, read_cloudformation
from apigw_cli.definitions.document import read_definition_document
from apigw_cli.definitions.openapi import is_openapi, read_openapi
from apigw_cli.errors import DefinitionError, UsageError


@dataclass
class Definition:
    """The REST APIs a file defines, and what loading it left unresolved."""

    source: str
    apis: list[Api]
    warnings: list[str] = field(default_factory=list)

    def selected(self, name: str | None) -> list[Api]:
        """The API ``name``, or without a name all of them (at least one)."""
        if name is not None:
            return [self.api(name)]
        if not self.apis:
            raise DefinitionError(
                f"{self.source}: the template defines no REST API (HTTP APIs, AWS::Serverless::HttpApi, are not read)"
            )
        return self.apis

    def api(self, name: str | None) -> Api:
        """The API ``name`` (a logical id or title); without a name, the only one."""
        if name is None:
            if len(self.selected(None)) == 1:
                return self.apis[0]
            names = ", ".join(api.name for api in self.apis)
            raise UsageError(
                f"{self.source} defines several REST APIs ({names}); name the one to use",
                hint="--api NAME on the command line, api: in a case",
            )
        for api in self.apis:
            if api.name == name:
                return api
        names = ", ".join(api.name for api in self.apis) or "none"
        raise UsageError(f"{self.source} has no REST API named {name!r} (its APIs: {names})")


def load_definition(path: str, parameters: dict[str, str] | None = None) -> Definition:
    """Read the definition at ``path``; ``parameters`` are CloudFormation parameter values."""
    return definition_from_data(read_definition_document(Path(path)), path, parameters)


def definition_from_data(data: Any, path: str, parameters: dict[str, str] | None = None) -> Definition:
    """The definition ``data`` (the document read from ``path``) describes."""
    try:
        return _load(data, path, parameters or {})
    except RecursionError:
        raise DefinitionError(f"{path}: the definition nests too deeply") from None


def _load(data: Any, path: str, parameters: dict[str, str]) -> Definition:
    warnings: list[str] = []
    if is_openapi(data):
        if parameters:
            raise UsageError(f"{path} is an OpenAPI document; parameter values are for CloudFormation templates")
        apis = [read_openapi(data, path)]
    elif is_cloudformation(data):
        apis = read_cloudformation(data, Path(path), parameters, warnings)
    else:
        raise DefinitionError(
            f"{path}: neither an OpenAPI document ('swagger' or 'openapi' key) nor a SAM/CloudFormation template "
            "('Resources' key)"
        )
    for api in apis:
        api.check_resources()
        for method in api.methods:
            warnings.extend(check_declarations(method))
    return Definition(path, apis, warnings)
