"""Case files (``shared/spec/case-format.md`` §2): find them, read them strictly, and rewrite
their expectations for ``apigw test --update``.

A case file is a YAML (or JSON) list of mappings with ``id`` and ``kind``. Other YAML/JSON
files under the searched paths (request samples, CloudFormation templates...) are not case
files and are passed over. apigw also reads ``requestFile``/``responseFile`` (paths relative
to the case file) as alternatives to the inline ``request``/``response``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apigw_cli.documents import check_expansion, read_text
from apigw_cli.errors import InputError
from apigw_cli.models import Request, Response
from apigw_cli.samples import (
    read_request_file,
    read_response_file,
    request_from_mapping,
    response_from_mapping,
)

KINDS = ("render-request", "render-response", "invoke")
CASE_KEYS = frozenset(
    {"id", "kind", "template", "templateFile", "request", "requestFile", "response", "responseFile",
     "integration", "handler", "expect", "source", "notes", "skip"}
)  # fmt: skip
EXPECT_KEYS = frozenset({"status", "body", "json", "bodyPattern", "headers", "error"})
#: Folders never searched for case files.
SKIPPED_FOLDERS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist"})
CASE_SUFFIXES = (".yaml", ".yml", ".json")
_LIST_START = re.compile(r"\A(?:\s*#[^\n]*\n)*\s*(?:-\s|\[)")
_NO_JSON = object()


@dataclass
class Expectation:
    status: int | None = None
    body: str | None = None
    #: The expected JSON value; :data:`NO_JSON` when the case has none.
    json: Any = _NO_JSON
    body_pattern: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def has_json(self) -> bool:
        return self.json is not _NO_JSON


@dataclass
class Case:
    id: str
    kind: str
    file: Path
    #: Line of the case in its file (1-based), when the file format tells.
    line: int | None
    template_source: str | None
    template_name: str
    request: Request
    response: Response | None
    integration: dict[str, Any] | None
    handler: str | None
    expect: Expectation
    skip: str | None
    #: Files besides the case file that the case reads (for ``--watch``).
    inputs: list[Path] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


@dataclass
class CaseFile:
    path: Path
    cases: list[Case]
    text: str
    #: For YAML: each case's ``expect.body``/``expect.json`` value span in ``text``, and the
    #: column of its key (-1 inside a flow mapping ``{...}``, where no block scalar fits).
    spans: list[dict[str, tuple[int, int, int]]] = field(default_factory=list)


def find_case_files(paths: list[str]) -> list[Path]:
    """Every ``.yaml``/``.yml``/``.json`` file under ``paths``, in a stable order."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            for candidate in sorted(path.rglob("*")):
                relative = candidate.relative_to(path).parts
                if candidate.suffix in CASE_SUFFIXES and candidate.is_file() and not SKIPPED_FOLDERS & set(relative):
                    found.append(candidate)
        else:
            raise InputError(f"{name}: no such file or folder")
    return found


def load_case_file(path: Path) -> CaseFile | None:
    """The cases of ``path``, or ``None`` when it is not a case file."""
    text = read_text(str(path), what="case file")
    looks_like_cases = bool(_LIST_START.match(text))
    spans_source: Any = None
    try:
        if path.suffix == ".json":
            data = json.loads(text)
        else:
            data, spans_source = _load_yaml(text, str(path))
    except (ValueError, InputError) as exc:
        if not looks_like_cases:
            return None
        message = str(exc) if isinstance(exc, InputError) else f"{path}: invalid JSON: {exc}"
        raise InputError(message) from None
    if isinstance(data, dict) and {"id", "kind"} <= set(data):
        raise InputError(f"{path}: a case file holds a list of cases; put '- ' before 'id:'")
    if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
        return None
    if not any("kind" in item or "id" in item for item in data):
        return None
    case_file = CaseFile(path, [], text)
    seen: dict[str, int] = {}
    for index, item in enumerate(data):
        node = spans_source.value[index] if spans_source is not None else None
        line = node.start_mark.line + 1 if node is not None else None
        case = _case(item, path, line, index)
        if case.id in seen:
            raise InputError(f"{_where(path, line)}: case '{case.id}': the id is used twice in this file")
        seen[case.id] = index
        case_file.cases.append(case)
        case_file.spans.append(_expectation_spans(node))
    return case_file


def _load_yaml(text: str, name: str) -> tuple[Any, Any]:
    """The data and the node tree (for lines and spans) of a YAML document."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name
        raise InputError(f"{where}: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{name}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    check_expansion(data, name)
    return data, node if isinstance(node, yaml.SequenceNode) else None


def _expectation_spans(node: Any) -> dict[str, tuple[int, int, int]]:
    import yaml

    spans: dict[str, tuple[int, int, int]] = {}
    if not isinstance(node, yaml.MappingNode):
        return spans
    for key, value in node.value:
        if key.value == "expect" and isinstance(value, yaml.MappingNode):
            for expect_key, expect_value in value.value:
                if expect_key.value in ("body", "json"):
                    spans[expect_key.value] = (
                        expect_value.start_mark.index,
                        expect_value.end_mark.index,
                        -1 if value.flow_style else expect_key.start_mark.column,
                    )
    return spans


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


def _case(item: dict[str, Any], path: Path, line: int | None, index: int) -> Case:
    label = f"case '{item['id']}'" if isinstance(item.get("id"), str) else f"case {index + 1}"

    def error(key: str, message: str) -> InputError:
        return InputError(f"{_where(path, line)}: {label}: key '{key}': {message}")

    unknown = sorted(str(key) for key in item if key not in CASE_KEYS)
    if unknown:
        raise InputError(
            f"{_where(path, line)}: {label}: unknown key '{unknown[0]}'",
            hint="allowed keys: " + ", ".join(sorted(CASE_KEYS)),
        )
    case_id = item.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise error("id", "every case needs an id (text)")
    kind = item.get("kind")
    if kind not in KINDS:
        raise error("kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    folder = path.parent
    inputs: list[Path] = []

    def exclusive(inline: str, file_key: str) -> None:
        if inline in item and file_key in item:
            raise InputError(f"{_where(path, line)}: {label}: '{inline}' and '{file_key}' are mutually exclusive")

    def referenced(key: str, what: str) -> Path:
        value = item[key]
        if not isinstance(value, str):
            raise error(key, f"expected the path of a {what}")
        target = folder / value
        if not target.is_file():
            raise error(key, f"no such {what}: {target}")
        inputs.append(target)
        return target

    exclusive("template", "templateFile")
    template_source: str | None = None
    template_name = f"{path}[{case_id}]"
    if "template" in item:
        if not isinstance(item["template"], str):
            raise error("template", "expected the template's text")
        template_source = item["template"]
    elif "templateFile" in item:
        template_file = referenced("templateFile", "template file")
        template_source, template_name = read_text(str(template_file), what="template"), str(template_file)
    elif kind != "invoke":
        raise InputError(f"{_where(path, line)}: {label}: a {kind} case needs 'template' or 'templateFile'")

    exclusive("request", "requestFile")
    exclusive("response", "responseFile")
    where = f"{_where(path, line)}: {label}"
    if "requestFile" in item:
        request = read_request_file(str(referenced("requestFile", "request file")))
    else:
        request = request_from_mapping(item.get("request"), f"{where}: request")
    response: Response | None = None
    if "responseFile" in item:
        response = read_response_file(str(referenced("responseFile", "response file")))
    elif "response" in item:
        response = response_from_mapping(item["response"], f"{where}: response")
    if kind == "render-response" and response is None:
        raise InputError(f"{where}: a render-response case needs 'response' or 'responseFile'")
    integration = item.get("integration")
    if integration is not None and not isinstance(integration, dict):
        raise error("integration", "expected an x-amazon-apigateway-integration mapping")
    if kind == "invoke" and integration is None:
        raise InputError(f"{where}: an invoke case needs 'integration'")
    handler = item.get("handler")
    if handler is not None and not isinstance(handler, str):
        raise error("handler", "expected file.py:function or module:function")
    skip = item.get("skip")
    if skip is not None and not isinstance(skip, str):
        raise error("skip", "expected the reason for skipping, as text")
    return Case(
        id=case_id,
        kind=kind,
        file=path,
        line=line,
        template_source=template_source,
        template_name=template_name,
        request=request,
        response=response,
        integration=integration,
        handler=handler,
        expect=_expectation(item.get("expect"), error),
        skip=skip,
        inputs=inputs,
    )


def _expectation(raw: Any, error: Any) -> Expectation:
    if raw is None:
        raise error("expect", "every case needs an expectation")
    if not isinstance(raw, dict):
        raise error("expect", "expected a mapping")
    unknown = sorted(str(key) for key in raw if key not in EXPECT_KEYS)
    if unknown:
        raise error(f"expect.{unknown[0]}", "unknown key; allowed: " + ", ".join(sorted(EXPECT_KEYS)))
    if not raw:
        raise error("expect", "give at least one of " + ", ".join(sorted(EXPECT_KEYS)))
    expectation = Expectation()
    if "status" in raw:
        if not isinstance(raw["status"], int) or isinstance(raw["status"], bool):
            raise error("expect.status", "expected an HTTP status number")
        expectation.status = raw["status"]
    for key, attribute in (("body", "body"), ("bodyPattern", "body_pattern"), ("error", "error")):
        if key in raw:
            if not isinstance(raw[key], str):
                raise error(f"expect.{key}", "expected text")
            setattr(expectation, attribute, raw[key])
    if expectation.body_pattern is not None:
        try:
            re.compile(expectation.body_pattern)
        except re.error as exc:
            raise error("expect.bodyPattern", f"invalid regular expression: {exc}") from None
    if "json" in raw:
        expectation.json = raw["json"]
    if "headers" in raw:
        headers = raw["headers"]
        if not isinstance(headers, dict):
            raise error("expect.headers", "expected a mapping of header names to values")
        expectation.headers = {str(name): str(value) for name, value in headers.items()}
    return expectation


def update_expectations(case_file: CaseFile, actual: dict[str, str]) -> bool:
    """Rewrite ``expect.body``/``expect.json`` of the cases named in ``actual`` (id → output),
    leaving every other key, comment and pattern alone. Returns whether the file changed."""
    if case_file.path.suffix == ".json":
        data = json.loads(case_file.text)
        changed = False
        for item in data:
            output = actual.get(item.get("id"))
            expect = item.get("expect", {})
            if output is None:
                continue
            if "body" in expect and expect["body"] != output:
                expect["body"], changed = output, True
            if "json" in expect:
                try:
                    value = json.loads(output)
                except ValueError:
                    continue
                if expect["json"] != value:
                    expect["json"], changed = value, True
        if changed:
            case_file.path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return changed
    edits: list[tuple[int, int, str]] = []
    for case, spans in zip(case_file.cases, case_file.spans, strict=True):
        output = actual.get(case.id)
        if output is None:
            continue
        for key, (start, end, column) in spans.items():
            # Replace the value itself; the line breaks after it (part of a block scalar's
            # span) stay where they are.
            end = start + len(case_file.text[start:end].rstrip("\n"))
            if key == "body":
                replacement = _yaml_text(output, column)
            else:
                try:
                    # A JSON document is also a valid YAML flow collection.
                    replacement = json.dumps(json.loads(output), ensure_ascii=False)
                except ValueError:
                    continue  # the output is not JSON: an expected JSON value cannot come from it
            edits.append((start, end, replacement))
    text = case_file.text
    for start, end, replacement in sorted(edits, reverse=True):
        if end == len(text) and replacement.startswith("|"):
            replacement += "\n"  # a block scalar needs its line to end
        text = text[:start] + replacement + text[end:]
    if text == case_file.text:
        return False
    case_file.path.write_text(text, encoding="utf-8")
    return True


_BLOCK_SAFE = re.compile(r"[^\x00-\x08\x0b-\x1f\x7f\ufeff]*")


def _yaml_text(text: str, key_column: int) -> str:
    """``text`` as a YAML value after ``key:``: a literal block (``|``/``|-``) when it spans
    lines and reads back exactly, else a double-quoted scalar (JSON's string syntax is YAML's)."""
    trailing = len(text) - len(text.rstrip("\n"))
    content = text[: len(text) - trailing]
    lines = content.split("\n")
    block_safe = (
        key_column >= 0
        and len(lines) > 1
        and trailing <= 1
        and _BLOCK_SAFE.fullmatch(text) is not None
        and "\r" not in text
        and not content.startswith((" ", "\t"))
        and all(line == line.rstrip(" \t") for line in lines)
    )
    if not block_safe:
        return json.dumps(text, ensure_ascii=False)
    indent = " " * (key_column + 2)
    body = "\n".join(indent + line if line else "" for line in lines)
    return ("|" if trailing else "|-") + "\n" + body
