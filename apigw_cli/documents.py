"""Read JSON and YAML documents, with errors that name the file, line and column.

``.json`` files are read with the standard library (fast, and strict JSON); anything else
as YAML, which is imported only then. YAML is read safely: no tags that build objects.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apigw_cli.errors import InputError

#: Files larger than this are refused (API Gateway's payload limit is 10 MB).
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
#: Values a YAML document may hold once its aliases are expanded.
MAX_EXPANDED_NODES = 1_000_000


def read_bytes(path: str, *, what: str = "file") -> bytes:
    """The bytes of ``path`` (``-`` is standard input), at most :data:`MAX_DOCUMENT_BYTES`."""
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
        else:
            with open(path, "rb") as file:
                raw = file.read(MAX_DOCUMENT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such {what}") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a {what}") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read the {what}: {exc.strerror}") from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InputError(f"{name}: the {what} is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    return raw


def read_text(path: str, *, what: str = "file") -> str:
    """The text of ``path`` (``-`` is standard input), as UTF-8, byte for byte: line endings
    are kept (a template's ``\r\n`` is part of what it renders)."""
    raw = read_bytes(path, what=what)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        name = "<stdin>" if path == "-" else path
        raise InputError(f"{name}: the {what} is not UTF-8 text (byte {exc.start})") from None


def load_document(path: str, *, what: str = "file") -> Any:
    """Parse ``path`` as JSON (``.json``) or YAML (anything else, JSON included)."""
    return parse_document(read_text(path, what=what), path)


def parse_document(text: str, name: str) -> Any:
    """Parse ``text`` (named ``name`` in errors) as JSON (``.json``) or YAML."""
    if name.endswith(".json"):
        return parse_json(text, name)
    return parse_yaml(text, name)[1]


def parse_json(text: str, name: str, *, unique_keys: bool = False) -> Any:
    """Strict JSON (a byte-order mark is allowed; ``NaN`` and ``Infinity`` are not JSON);
    ``unique_keys``: a key given twice in an object is an error, not silently the last."""
    with _json_errors(name):
        return json.loads(
            text.removeprefix("\ufeff"),
            parse_constant=_reject_constant,
            object_pairs_hook=unique_object if unique_keys else None,
        )


@contextmanager
def _json_errors(name: str) -> Iterator[None]:
    """Errors of reading JSON as :class:`InputError` naming the file, line and column."""
    try:
        yield
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise InputError(f"{name}: invalid JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"{name}: the document nests too deeply") from None


def iter_json_array(text: str, name: str) -> Iterator[Any] | None:
    """The items of a JSON document that is an array, parsed one at a time, so that only
    the item in hand is held; ``None`` when the document is not an array. Errors (raised as
    the items are read) are :func:`parse_json`'s."""
    text = text.removeprefix("\ufeff")  # as parse_json does: errors' columns count without it
    start = _skip_space(text, 0)
    if not text.startswith("[", start):
        return None
    return _array_items(text, start + 1, name)


_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, position: int) -> int:
    """Where JSON's whitespace from ``position`` ends."""
    match = _SPACE.match(text, position)
    assert match is not None  # the pattern matches the empty text
    return match.end()


def _array_items(text: str, position: int, name: str) -> Iterator[Any]:
    with _json_errors(name):
        position = _skip_space(text, position)
        if text.startswith("]", position):
            position += 1
        else:
            while True:
                item, position = _DECODER.raw_decode(text, position)
                yield item
                position = _skip_space(text, position)
                if text.startswith("]", position):
                    position += 1
                    break
                if not text.startswith(",", position):
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
                position = _skip_space(text, position + 1)
        end = _skip_space(text, position)
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)


class DuplicateKey(ValueError):
    """A JSON object gives a key twice (:func:`unique_object`)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"key {key!r} is given twice in one object")
        self.key = key


def unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads``'s ``object_pairs_hook`` that refuses a key given twice."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


#: :func:`parse_json`'s decoder, for :func:`iter_json_array`.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def parse_yaml(text: str, name: str, *, loader: Any = None) -> tuple[Any, Any]:
    """The node tree (with positions, for editing the text) and the data of a YAML document;
    ``loader`` is a safe loader class that knows more tags."""
    import yaml  # costly import, only for YAML files

    loader_class = loader or yaml.SafeLoader
    loader = None
    try:
        loader = loader_class(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        check_expansion(data, name)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name
        raise InputError(f"{where}: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{name}: invalid YAML: {exc}") from None
    except RecursionError:
        raise InputError(f"{name}: the document nests too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    return node, data


def check_expansion(document: Any, name: str) -> None:
    """Refuse a YAML document whose aliases expand past :data:`MAX_EXPANDED_NODES` values."""
    if _expanded_size(document, {}) > MAX_EXPANDED_NODES:
        raise InputError(f"{name}: YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values")


def _expanded_size(node: Any, sizes: dict[int, int]) -> int:
    """How many values ``node`` holds once YAML aliases are copied out (each shared node is
    measured once), so an alias bomb is refused before anything walks it."""
    if not isinstance(node, dict | list):
        return 1
    known = sizes.get(id(node))
    if known is None:
        children = node.values() if isinstance(node, dict) else node
        known = sizes[id(node)] = 1 + sum(_expanded_size(child, sizes) for child in children)
    return known


def unknown_keys(mapping: dict[Any, Any], allowed: frozenset[str]) -> list[str]:
    """The keys of ``mapping`` not in ``allowed``, as sorted text: an error names the first.
    Most mappings have none, which one subset test in C finds (a suite checks thousands).

    >>> unknown_keys({"b": 1, "id": 2, 3: 4}, frozenset({"id"})), unknown_keys({"id": 1}, frozenset({"id"}))
    (['3', 'b'], [])
    """
    if mapping.keys() <= allowed:
        return []
    return sorted(str(key) for key in mapping if key not in allowed)


def kind_of(value: Any) -> str:
    """What a parsed value is, in words for an error message.

    >>> kind_of([1]), kind_of(None), kind_of(2.5)
    ('a list', 'nothing', 'a number')
    """
    return {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", int: "a number",
            float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)  # fmt: skip
