"""Which local code runs a definition's Lambda functions: ``--handler`` mappings (``NAME=FILE.py:FUNCTION``,
or one handler for every function, or a mapping file), else the template's own Python code."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from apigw_cli.definitions.api import Api, LocalFunction
from apigw_cli.definitions.integration import Integration
from apigw_cli.documents import kind_of, load_document
from apigw_cli.errors import DefinitionError, InputError, UsageError
from apigw_cli.integrations.lambda_ import FunctionIdentity, HandlerSpec


@dataclass
class FunctionChoice:
    """The code that answers for a route's function, and the function's own settings."""

    handler: HandlerSpec | None
    #: The template's function, when the route calls one.
    function: LocalFunction | None


@dataclass
class HandlerMap:
    """Handlers given on the command line or in a case."""

    #: One handler for every function (``--handler FILE.py:FUNCTION``).
    default: HandlerSpec | None = None
    #: By function name, ARN or logical id (``--handler NAME=FILE.py:FUNCTION``).
    named: dict[str, HandlerSpec] = field(default_factory=dict)

    @classmethod
    def parse(cls, items: list[str], base: Path) -> HandlerMap:
        """``--handler`` values: ``FILE.py:FUNCTION``, ``NAME=FILE.py:FUNCTION``, or a YAML/JSON
        mapping file of names to handlers (relative to that file)."""
        mapping = cls()
        for item in items:
            name, separator, spec = item.partition("=")
            if separator and name and ":" not in name:
                mapping.named[name] = HandlerSpec.parse(spec, base)
            elif item.endswith((".yaml", ".yml", ".json")):
                mapping.named.update(_mapping_file(base / item))
            elif mapping.default is not None:
                raise UsageError(
                    "give one --handler FILE.py:FUNCTION for every function, or name them: NAME=FILE.py:FUNCTION"
                )
            else:
                mapping.default = HandlerSpec.parse(item, base)
        return mapping

    def check(self, api: Api) -> None:
        """Refuse a handler named for a function ``api`` never calls (a typo would otherwise
        be ignored)."""
        unknown = sorted(set(self.named) - api.function_names())
        if unknown:
            raise UsageError(f"handler for {unknown[0]!r}: {api.name} calls no function of that name")

    def choose(self, api: Api, integration: Integration) -> FunctionChoice:
        """The handler for the function ``integration`` calls: a named mapping, else the
        single ``--handler``, else the template function's own code."""
        function = api.function(integration.uri)
        names = [integration.uri or "", FunctionIdentity.from_uri(integration.uri, "").name]
        if function is not None:
            names = [function.logical_id, function.name, function.arn, *names]
        for name in names:
            if name in self.named:
                return FunctionChoice(self.named[name], function)
        if self.default is not None:
            return FunctionChoice(self.default, function)
        return FunctionChoice(function.handler if function is not None else None, function)


def _mapping_file(path: Path) -> dict[str, HandlerSpec]:
    data = load_document(str(path), what="handler mapping file")
    if not isinstance(data, dict):
        raise InputError(f"{path}: a handler mapping file maps function names to FILE.py:FUNCTION, not {kind_of(data)}")
    specs = {}
    for name, spec in data.items():
        if not isinstance(spec, str):
            raise DefinitionError(f"{path}: {name}: expected FILE.py:FUNCTION, got {kind_of(spec)}")
        specs[str(name)] = HandlerSpec.parse(spec, path.parent)
    return specs
