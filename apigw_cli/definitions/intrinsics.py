"""CloudFormation's intrinsic functions: the YAML short-form tags (``!Ref``, ``!Sub``...) read
as their long form, and the functions worked out where parameters, defaults, mappings and
the template's own resources make it possible.

What cannot be worked out (a parameter without a value, ``!ImportValue``, an attribute only
AWS knows) becomes :class:`Unresolved` text such as ``${BackendHost}``, and a warning says
which ``--param`` would resolve it: a template always loads.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apigw_cli.documents import kind_of
from apigw_cli.errors import DefinitionError
from apigw_cli.vtl.context import DEFAULT_ACCOUNT_ID, DEFAULT_REGION

#: The short-form tags, by the function each stands for.
SHORT_FORMS = ("Ref", "Condition", "Sub", "GetAtt", "Join", "If", "Equals", "Not", "And", "Or", "FindInMap", "Select",
               "Split", "Base64", "Cidr", "GetAZs", "ImportValue", "Transform", "ToJsonString", "Length")  # fmt: skip
#: Pseudo parameters, with the values apigw's ``$context`` uses too.
PSEUDO_PARAMETERS = {
    "AWS::Region": DEFAULT_REGION,
    "AWS::AccountId": DEFAULT_ACCOUNT_ID,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
NO_VALUE = "AWS::NoValue"
#: Functions inside functions, at most.
MAX_NESTING = 64
#: The longest value a function may produce: CloudFormation's limit for a whole template.
MAX_VALUE_CHARS = 1_048_576
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
#: Lambda functions: ``Ref`` is the name, ``GetAtt .Arn`` the ARN.
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


def long_form(tag: str) -> str:
    """``Ref`` and ``Condition`` keep their name; the others are ``Fn::Name``."""
    return tag if tag in ("Ref", "Condition") else f"Fn::{tag}"


def cloudformation_loader() -> Any:
    """A safe YAML loader that also reads the short-form tags, as their long form."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            """A key given twice is an error (YAML would keep the last silently); merge keys
            (``<<``) may still be overridden."""
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool):
                    continue  # an unhashable key is YAML's own error, below
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} is given twice in one mapping", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    def constructor(tag: str) -> Callable[[Any, Any], Any]:
        def construct(loader: Any, node: Any) -> Any:
            if isinstance(node, yaml.ScalarNode):
                value: Any = loader.construct_scalar(node)
                if tag == "GetAtt":
                    value = value.split(".", 1)
            elif isinstance(node, yaml.SequenceNode):
                value = loader.construct_sequence(node, deep=True)
            else:
                value = loader.construct_mapping(node, deep=True)
            return {long_form(tag): value}

        return construct

    for tag in SHORT_FORMS:
        Loader.add_constructor(f"!{tag}", constructor(tag))
    return Loader


class Unresolved(str):
    """Text holding a placeholder for a value only AWS knows."""


class _Removed:
    """``!Ref AWS::NoValue``: the property is left out."""


REMOVED = _Removed()


@dataclass
class Resolver:
    """Works out intrinsic functions in one template."""

    source: str
    #: Parameter values: ``--param`` first, then the template's ``Default``; ``None`` for one
    #: that has neither.
    parameters: dict[str, Any]
    resources: dict[str, Any]
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    #: One line per value that stayed a placeholder.
    warnings: list[str] = field(default_factory=list)
    _condition_values: dict[str, bool | None] = field(default_factory=dict)
    #: How many functions are being worked out, one inside the other.
    _nesting: int = 0

    def __post_init__(self) -> None:
        # CloudFormation compares map keys as text: an account id written 123456789012 matches.
        self.mappings = {
            str(name): {
                str(top): {str(key): value for key, value in second.items()} if isinstance(second, dict) else second
                for top, second in level.items()
            }
            if isinstance(level, dict)
            else level
            for name, level in self.mappings.items()
        }

    def resolve(self, value: Any, where: str) -> Any:
        """``value`` with every intrinsic function worked out or made a placeholder."""
        if isinstance(value, list):
            items = [self.resolve(item, f"{where}[{index}]") for index, item in enumerate(value)]
            return [item for item in items if item is not REMOVED]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, argument), = value.items()  # fmt: skip
            if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
                return self._function(key, argument, where)
        resolved = {key: self.resolve(item, f"{where}.{key}") for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not REMOVED}

    def condition(self, name: str, where: str) -> bool | None:
        """A named condition's value; ``None`` when it depends on something unknown."""
        if name not in self._condition_values:
            if name not in self.conditions:
                raise DefinitionError(f"{self.source}: {where}: no condition named {name!r} in Conditions")
            self._condition_values[name] = None  # a condition that refers to itself stays unknown
            self._condition_values[name] = self._truth(self.conditions[name], f"Conditions.{name}")
        return self._condition_values[name]

    # -- the functions ---------------------------------------------------------------------

    def _function(self, key: str, argument: Any, where: str) -> Any:
        name = key.removeprefix("Fn::")
        handler = _FUNCTIONS.get(name)
        if handler is None:
            return self._unknown(f"${{{name}}}", where, f"{key} is not worked out locally")
        if self._nesting >= MAX_NESTING:
            raise DefinitionError(
                f"{self.source}: {_shortened(where)}: intrinsic functions nest deeper than {MAX_NESTING} levels"
            )
        self._nesting += 1
        try:
            result = handler(self, argument, f"{where}.{key}")
        finally:
            self._nesting -= 1
        if isinstance(result, str) and len(result) > MAX_VALUE_CHARS:
            raise DefinitionError(
                f"{self.source}: {_shortened(where)}: the value grows past {MAX_VALUE_CHARS:,} characters "
                "(CloudFormation's limit for a whole template)"
            )
        return result

    def _ref(self, argument: Any, where: str) -> Any:
        if not isinstance(argument, str):
            raise DefinitionError(f"{self.source}: {where}: expected a name, got {kind_of(argument)}")
        if argument == NO_VALUE:
            return REMOVED
        if argument in self.parameters:
            value = self.parameters[argument]
            if value is None:
                return self._unknown(f"${{{argument}}}", where, f"parameter {argument} has no Default", argument)
            return value
        if argument in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[argument]
        resource = self.resources.get(argument)
        if isinstance(resource, dict) and resource.get("Type") in FUNCTION_TYPES:
            return self.function_name(argument)
        if resource is None and not argument.startswith("AWS::"):
            raise DefinitionError(
                f"{self.source}: {where}: {argument!r} is neither a parameter nor a resource of the template"
            )
        return self._unknown(f"${{{argument}}}", where, f"the value of {argument} is known only to AWS", argument)

    def _get_att(self, argument: Any, where: str) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not (isinstance(argument, list) and len(argument) == 2):
            raise DefinitionError(f"{self.source}: {where}: expected [Resource, Attribute]")
        logical_id, attribute = (self.resolve(part, where) for part in argument)
        if not isinstance(logical_id, str) or not isinstance(attribute, str):
            raise DefinitionError(f"{self.source}: {where}: expected [Resource, Attribute] as names")
        if f"{logical_id}.{attribute}" in self.parameters:  # given with --param Resource.Attribute=VALUE
            return self.parameters[f"{logical_id}.{attribute}"]
        resource = self.resources.get(logical_id)
        if resource is None:
            raise DefinitionError(f"{self.source}: {where}: no resource named {logical_id!r} in the template")
        if isinstance(resource, dict) and resource.get("Type") in FUNCTION_TYPES and attribute == "Arn":
            return function_arn(self.function_name(str(logical_id)))
        return self._unknown(
            f"${{{logical_id}.{attribute}}}", where, "the attribute is known only to AWS", f"{logical_id}.{attribute}"
        )

    def _sub(self, argument: Any, where: str) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            argument, variables = (
                argument[0],
                {name: self.resolve(value, f"{where}.{name}") for name, value in argument[1].items()},
            )
        if not isinstance(argument, str):
            raise DefinitionError(f"{self.source}: {where}: expected text, or [text, variables]")
        unresolved = False

        def replace(match: re.Match[str]) -> str:
            nonlocal unresolved
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = variables[name]
            elif "." in name and not name.startswith("AWS::"):
                value = self._get_att(name, where)
            else:
                value = self._ref(name, where)
            unresolved = unresolved or isinstance(value, Unresolved)
            return self._text(value, where)

        text = _SUB_VARIABLE.sub(replace, argument)
        return Unresolved(text) if unresolved else text

    def _join(self, argument: Any, where: str) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise DefinitionError(f"{self.source}: {where}: expected [delimiter, [values]]")
        delimiter, values = self.resolve(argument[0], where), self.resolve(argument[1], where)
        if not isinstance(values, list):
            return self._unknown(f"${{Join:{where}}}", where, "its list is known only to AWS")
        parts = [self._text(value, where) for value in values]
        text = self._text(delimiter, where).join(parts)
        return Unresolved(text) if any(isinstance(part, Unresolved) for part in values) else text

    def _select(self, argument: Any, where: str) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise DefinitionError(f"{self.source}: {where}: expected [index, [values]]")
        index, values = self.resolve(argument[0], where), self.resolve(argument[1], where)
        if not isinstance(values, list):
            return self._unknown(f"${{Select:{where}}}", where, "its list is known only to AWS")
        position = int(index) if isinstance(index, int) or (isinstance(index, str) and index.isdigit()) else -1
        if not isinstance(index, bool) and 0 <= position < len(values):
            return values[position]
        raise DefinitionError(f"{self.source}: {where}: index {index!r} is outside the list of {len(values)}")

    def _split(self, argument: Any, where: str) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise DefinitionError(f"{self.source}: {where}: expected [delimiter, text]")
        delimiter, text = self.resolve(argument[0], where), self.resolve(argument[1], where)
        if isinstance(text, Unresolved):
            return self._unknown(f"${{Split:{where}}}", where, "its text is known only to AWS")
        return self._text(text, where).split(self._text(delimiter, where))

    def _if(self, argument: Any, where: str) -> Any:
        if not (isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str)):
            raise DefinitionError(f"{self.source}: {where}: expected [condition, value if true, value if false]")
        truth = self.condition(argument[0], where)
        if truth is None:
            return self._unknown(f"${{If:{argument[0]}}}", where, f"condition {argument[0]} cannot be decided")
        return self.resolve(argument[1] if truth else argument[2], where)

    def _find_in_map(self, argument: Any, where: str) -> Any:
        if not (isinstance(argument, list) and len(argument) in (3, 4)):
            raise DefinitionError(f"{self.source}: {where}: expected [map, top-level key, second-level key]")
        keys = [self.resolve(item, where) for item in argument[:3]]
        if not all(isinstance(key, str | int | float) and not isinstance(key, bool) for key in keys):
            raise DefinitionError(f"{self.source}: {where}: expected [map, top-level key, second-level key] as names")
        keys = [key if isinstance(key, Unresolved) else str(key) for key in keys]
        if any(isinstance(key, Unresolved) for key in keys):
            return self._unknown(f"${{FindInMap:{'.'.join(map(str, keys))}}}", where, "a key is known only to AWS")
        value: Any = self.mappings
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                raise DefinitionError(f"{self.source}: {where}: Mappings has no {'.'.join(map(str, keys))}")
            value = value[key]
        return self.resolve(value, where)

    def _base64(self, argument: Any, where: str) -> Any:
        text = self.resolve(argument, where)
        if isinstance(text, Unresolved):
            return text
        return base64.b64encode(self._text(text, where).encode()).decode()

    def _to_json_string(self, argument: Any, where: str) -> Any:
        value = self.resolve(argument, where)
        if value is REMOVED:
            raise DefinitionError(f"{self.source}: {where}: expected a value, got AWS::NoValue")
        text = json.dumps(value, separators=(",", ":"))
        return Unresolved(text) if _holds_placeholder(value) else text

    def _length(self, argument: Any, where: str) -> Any:
        values = self.resolve(argument, where)
        return len(values) if isinstance(values, list) else self._unknown("${Length}", where, "unknown list")

    def _import_value(self, argument: Any, where: str) -> Any:
        name = self.resolve(argument, where)
        return self._unknown(f"${{ImportValue:{name}}}", where, "exports of other stacks are known only to AWS")

    # -- conditions -----------------------------------------------------------------------

    def _truth(self, value: Any, where: str) -> bool | None:
        if isinstance(value, dict) and len(value) == 1:
            (key, argument), = value.items()  # fmt: skip
            if key == "Condition" and isinstance(argument, str):
                return self.condition(argument, where)
            if key == "Fn::Equals" and isinstance(argument, list) and len(argument) == 2:
                left, right = (self.resolve(item, where) for item in argument)
                if isinstance(left, Unresolved) or isinstance(right, Unresolved):
                    return None
                return self._text(left, where) == self._text(right, where)
            if key == "Fn::Not" and isinstance(argument, list) and len(argument) == 1:
                truth = self._truth(argument[0], where)
                return None if truth is None else not truth
            if key in ("Fn::And", "Fn::Or") and isinstance(argument, list):
                decisive = bool(key == "Fn::Or")  # True decides an Or, False an And
                unknown = False
                for item in argument:  # in order, stopping at the deciding one
                    truth = self._truth(item, where)
                    if truth is decisive:
                        return decisive
                    unknown = unknown or truth is None
                return None if unknown else not decisive
        raise DefinitionError(
            f"{self.source}: {where}: expected a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition)"
        )

    # -- helpers ----------------------------------------------------------------------------

    def function_name(self, logical_id: str) -> str:
        """A function's name: its ``FunctionName``, else its logical id (AWS would add the stack
        name and a suffix; the logical id is what a ``--handler`` mapping names)."""
        properties = self.resources[logical_id].get("Properties") or {}
        name = properties.get("FunctionName") if isinstance(properties, dict) else None
        if name is not None:
            resolved = self.resolve(name, f"Resources.{logical_id}.Properties.FunctionName")
            if isinstance(resolved, str) and resolved and not isinstance(resolved, Unresolved):
                return resolved
        return logical_id

    def _unknown(self, placeholder: str, where: str, why: str, parameter: str | None = None) -> Unresolved:
        """A placeholder, and a warning that says why and which ``--param`` would give the value."""
        hint = f"; give --param {parameter}=VALUE" if parameter else ""
        if "Templates" in where:
            hint += f"; in a mapping template VTL renders {placeholder} as empty text"
        warning = f"{self.source}: {where}: left as {placeholder} ({why}{hint})"
        if warning not in self.warnings:
            self.warnings.append(warning)
        return Unresolved(placeholder)

    def _text(self, value: Any, where: str) -> str:
        """A value as text, as CloudFormation turns scalars into strings."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float):
            return str(value)
        what = "AWS::NoValue" if value is REMOVED else kind_of(value)
        raise DefinitionError(f"{self.source}: {where}: expected a text value, got {what}")


def _holds_placeholder(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_placeholder(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_placeholder(item) for item in value)
    return isinstance(value, Unresolved)


def _shortened(where: str) -> str:
    """A key path for a message: deep nesting makes paths too long for one line."""
    return where if len(where) <= 120 else where[:100] + "..." + where[-17:]


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{DEFAULT_REGION}:{DEFAULT_ACCOUNT_ID}:function:{name}"


_FUNCTIONS: dict[str, Callable[[Resolver, Any, str], Any]] = {
    "Ref": Resolver._ref,
    "GetAtt": Resolver._get_att,
    "Sub": Resolver._sub,
    "Join": Resolver._join,
    "Select": Resolver._select,
    "Split": Resolver._split,
    "If": Resolver._if,
    "FindInMap": Resolver._find_in_map,
    "Base64": Resolver._base64,
    "ToJsonString": Resolver._to_json_string,
    "Length": Resolver._length,
    "ImportValue": Resolver._import_value,
}
