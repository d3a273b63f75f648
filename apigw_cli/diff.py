"""Compare a rendered output with what was expected: JSON by structure, XML as canonical
trees (names by namespace, not prefix; attributes unordered; comments and whitespace between
elements ignored), anything else line by line. Returns a :class:`~apigw_cli.models.DiffResult`; printing
it is :mod:`apigw_cli.output`'s job.

>>> result = compare_outputs('{"items": [{"price": 12}], "id": 1}', '{"id": 1, "items": [{"price": 10}]}')
>>> [difference.describe() for difference in result.differences]
['$.items[0].price: 10 -> 12']
"""

from __future__ import annotations

import difflib
import json
import re
from typing import TYPE_CHECKING, Any

from apigw_cli.models import Difference, DiffResult

if TYPE_CHECKING:
    from apigw_cli.soap.xml import XmlNode

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ABSENT = object()


def compare_outputs(
    actual: str,
    expected: str,
    *,
    strict: bool = False,
    actual_name: str = "actual",
    expected_name: str = "expected",
) -> DiffResult:
    """Compare ``actual`` with ``expected``. Two JSON documents compare by structure (key
    order and spacing ignored) and two XML documents as canonical trees, unless ``strict``,
    where their text must match too; anything else compares line by line."""
    expected_json, actual_json = _json_or_absent(expected), _json_or_absent(actual)
    if expected_json is not _ABSENT and actual_json is not _ABSENT:
        differences = json_differences(actual_json, expected_json)
        if differences is not None:
            return _result("json", actual, expected, differences, strict, actual_name, expected_name)
    xml = _compare_xml(actual, expected, strict)
    if xml is not None:
        return _result("xml", actual, expected, xml, strict, actual_name, expected_name)
    return _result("text", actual, expected, [], True, actual_name, expected_name)


def _result(
    kind: str,
    actual: str,
    expected: str,
    differences: list[Difference],
    strict: bool,
    actual_name: str,
    expected_name: str,
) -> DiffResult:
    text_differs = strict and actual != expected
    equal = not differences and not text_differs
    unified = unified_diff(actual, expected, actual_name, expected_name) if text_differs else []
    return DiffResult(format=kind, equal=equal, differences=differences, unified=unified)


def _json_or_absent(text: str) -> Any:
    """Strict JSON (``NaN`` is not JSON), or ``_ABSENT``; too deep to read is not JSON either."""
    try:
        return json.loads(text, parse_constant=_not_json)
    except (ValueError, RecursionError):
        return _ABSENT


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_differences(actual: Any, expected: Any) -> list[Difference] | None:
    """The differences between two JSON values, ``None`` when they nest too deeply to walk."""
    differences: list[Difference] = []
    try:
        _compare_json(expected, actual, "$", differences)
    except RecursionError:
        return None
    return differences


def json_path(parent: str, key: str | int) -> str:
    """``$.a``, ``$['odd key']``, ``$[2]``.

    >>> json_path("$", "items"), json_path("$.items", 2), json_path("$", "a b")
    ('$.items', '$.items[2]', "$['a b']")
    """
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _IDENTIFIER.fullmatch(key):
        return f"{parent}.{key}"
    quoted = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{parent}['{quoted}']"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _compare_json(expected: Any, actual: Any, path: str, out: list[Difference]) -> None:
    expected_type, actual_type = _json_type(expected), _json_type(actual)
    if expected_type != actual_type:
        out.append(Difference(path, "type", expected, actual))
    elif expected_type == "object":
        for key, value in expected.items():
            if key in actual:
                _compare_json(value, actual[key], json_path(path, key), out)
            else:
                out.append(Difference(json_path(path, key), "removed", expected=value))
        for key, value in actual.items():
            if key not in expected:
                out.append(Difference(json_path(path, key), "added", actual=value))
    elif expected_type == "array":
        for index in range(max(len(expected), len(actual))):
            item_path = json_path(path, index)
            if index >= len(actual):
                out.append(Difference(item_path, "removed", expected=expected[index]))
            elif index >= len(expected):
                out.append(Difference(item_path, "added", actual=actual[index]))
            else:
                _compare_json(expected[index], actual[index], item_path, out)
    elif expected != actual:
        out.append(Difference(path, "changed", expected, actual))


def _compare_xml(actual: str, expected: str, strict: bool) -> list[Difference] | None:
    """Differences between two XML documents, or ``None`` when either is not XML."""
    from apigw_cli.soap.xml import XmlError, looks_like_xml, parse_xml

    if not (looks_like_xml(actual) and looks_like_xml(expected)):
        return None
    try:
        expected_root = parse_xml(expected, keep_blank_text=strict)
        actual_root = parse_xml(actual, keep_blank_text=strict)
    except (XmlError, RecursionError):
        return None
    differences: list[Difference] = []
    if expected_root.tag != actual_root.tag:
        differences.append(Difference(f"/{expected_root.display}", "changed", *_names(expected_root, actual_root)))
    else:
        _compare_elements(expected_root, actual_root, f"/{expected_root.display}", differences)
    return differences


def _compare_elements(expected: XmlNode, actual: XmlNode, path: str, out: list[Difference]) -> None:
    for name in sorted(set(expected.attributes) | set(actual.attributes)):
        old, new = expected.attributes.get(name), actual.attributes.get(name)
        where = f"{path}/@{name}"
        if old is None:
            out.append(Difference(where, "added", actual=new))
        elif new is None:
            out.append(Difference(where, "removed", expected=old))
        elif old != new:
            out.append(Difference(where, "changed", old, new))
    if expected.text != actual.text:
        out.append(Difference(f"{path}/text()", "changed", expected.text, actual.text))
    counts: dict[str, int] = {}
    for index in range(max(len(expected.children), len(actual.children))):
        before = expected.children[index] if index < len(expected.children) else None
        after = actual.children[index] if index < len(actual.children) else None
        reference = before if before is not None else after
        assert reference is not None
        counts[reference.tag] = counts.get(reference.tag, 0) + 1
        where = f"{path}/{reference.display}[{counts[reference.tag]}]"
        if before is None:
            out.append(Difference(where, "added", actual=reference.display))
        elif after is None:
            out.append(Difference(where, "removed", expected=reference.display))
        elif before.tag != after.tag:
            out.append(Difference(where, "changed", *_names(before, after)))
        else:
            _compare_elements(before, after, where, out)


def _names(expected: XmlNode, actual: XmlNode) -> tuple[str, str]:
    """Two element names as written, or with their namespace when only that differs."""
    if expected.display == actual.display:
        return expected.tag, actual.tag
    return expected.display, actual.display


def unified_diff(actual: str, expected: str, actual_name: str = "actual", expected_name: str = "expected") -> list[str]:
    """``diff -u expected actual``, with the end-of-file newline marked as ``diff`` does.

    >>> print("".join(unified_diff("a\\nc\\n", "a\\nb\\n")), end="")
    --- expected
    +++ actual
    @@ -1,2 +1,2 @@
     a
    -b
    +c
    """
    lines = difflib.unified_diff(
        _lines(expected), _lines(actual), fromfile=expected_name, tofile=actual_name, lineterm="\n"
    )
    # A "no newline" marker rides on its line: give it a line of its own.
    return [part for line in lines for part in line.splitlines(keepends=True)]


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
