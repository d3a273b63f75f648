"""Read JSON and YAML documents, with errors that name the file, line and column.

``.json`` files are read with the standard library (fast, and strict JSON); anything else
as YAML, which is imported only then. YAML is read safely: no tags that build objects.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from apigw_cli.errors import InputError

#: Files larger than this are refused before reading (API Gateway's payload limit is 10 MB).
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


def read_text(path: str, *, what: str = "file") -> str:
    """The text of ``path`` (``-`` is standard input), as UTF-8."""
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    try:
        if file.stat().st_size > MAX_DOCUMENT_BYTES:
            raise InputError(f"{path}: the {what} is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a {what}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the {what} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what}: {exc.strerror}") from None


def load_document(path: str, *, what: str = "file") -> Any:
    """Parse ``path`` as JSON (``.json``) or YAML (anything else, JSON included)."""
    return parse_document(read_text(path, what=what), path)


def parse_document(text: str, name: str) -> Any:
    try:
        return _parse(text, name)
    except RecursionError:
        raise InputError(f"{name}: the document nests too deeply") from None


def _parse(text: str, name: str) -> Any:
    if name.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    import yaml  # noqa: PLC0415 - costly import, only for YAML files

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name
        raise InputError(f"{where}: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{name}: invalid YAML: {exc}") from None
