"""Case files (``shared/spec/case-format.md`` §2): find them, read them strictly, and rewrite
their expectations for ``apigw test --update``.

A case file is a YAML (or JSON) list of mappings with ``id`` and ``kind``. Other YAML/JSON
files under the searched paths (request samples, CloudFormation templates...) are not case
files and are passed over. apigw also reads ``requestFile``, ``responseFile`` and
``integrationFile`` (paths relative to the case file) as alternatives to the inline
``request``, ``response`` and ``integration``.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apigw_cli.definitions.api import Api
from apigw_cli.definitions.handlers import HandlerMap
from apigw_cli.definitions.integration import Integration, integration_from_mapping, load_integration
from apigw_cli.definitions.load import Definition, load_definition
from apigw_cli.documents import iter_json_array, load_document, parse_json, parse_yaml, read_text, unknown_keys
from apigw_cli.errors import InputError, UsageError
from apigw_cli.integrations.lambda_ import HandlerSpec
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
     "integration", "integrationFile", "handler", "definition", "route", "api", "params", "expect", "source",
     "notes", "skip"}
)  # fmt: skip
EXPECT_KEYS = frozenset({"status", "body", "json", "bodyPattern", "headers", "error"})
#: Folders never searched for case files.
SKIPPED_FOLDERS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist"})
CASE_SUFFIXES = (".yaml", ".yml", ".json")
#: Text that starts like a list (after a byte-order mark, comments and a '---' document
#: start): a parse error in such a file is reported, not taken as "not a case file".
_LIST_START = re.compile(r"\A\ufeff?(?:\s*#[^\n]*\n|\s*---[^\n]*\n)*\s*(?:-\s|\[)")
_NO_JSON = object()


@dataclass
class Expectation:
    status: int | None = None
    body: str | None = None
    #: The expected JSON value; see ``has_json`` (a JSON ``null`` is a value).
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
    #: An invoke case's integration, and its Lambda handler (AWS, AWS_PROXY).
    integration: Integration | None
    handler: HandlerSpec | None
    expect: Expectation
    skip: str | None
    #: Files besides the case file that the case reads (for ``--watch``).
    inputs: list[Path] = field(default_factory=list)
    #: An invoke case run through a definition's route instead of an integration.
    route: RouteCall | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


@dataclass
class RouteCall:
    """``definition:`` and ``route: 'METHOD PATH'``: the request goes through the API's routing."""

    api: Api
    method: str
    path: str
    #: The stage the request names (``None``: the definition's own, if it has one).
    stage: str | None
    handlers: HandlerMap


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


def load_case_file(path: Path, text: str | None = None) -> CaseFile | None:
    """The cases of ``path`` (whose ``text`` may be read already), or ``None`` when it is not
    a case file: a case file is a list in which some item looks like a case (a fixture list
    of records is not one)."""
    if text is None:
        text = read_text(str(path), what="case file")
    looks_like_cases = bool(_LIST_START.match(text))
    nodes: Any = None
    try:
        if path.suffix == ".json":
            data = parse_json(text, str(path))
        else:
            root, data = parse_yaml(text, str(path))
            nodes = root.value if root is not None and root.id == "sequence" else None
    except InputError:
        if looks_like_cases:
            raise
        return None
    if _looks_like_a_case(data):
        raise InputError(f"{path}: a case file holds a list of cases; put '- ' before the first key")
    if not isinstance(data, list) or not any(_looks_like_a_case(item) for item in data):
        return None
    case_file = CaseFile(path, [], text)
    read = _CaseReader(path)
    for index, item in enumerate(data):
        node = nodes[index] if nodes is not None else None
        case_file.cases.append(read(item, index, node.start_mark.line + 1 if node is not None else None))
        case_file.spans.append(_expectation_spans(node))
    return case_file


def iter_case_file(path: Path) -> Iterator[Case]:
    """The cases of ``path`` one at a time. A ``.json`` case file is read item by item, so a
    suite's memory does not grow with its cases; errors come when the case is reached. Other
    files, and a ``.json`` file whose first item is not a case, are read whole
    (:func:`load_case_file`)."""
    text = read_text(str(path), what="case file")
    items = iter_json_array(text, str(path)) if path.suffix == ".json" else None
    first = next(items, None) if items is not None else None
    if items is None or not _looks_like_a_case(first):
        case_file = load_case_file(path, text)
        yield from case_file.cases if case_file is not None else ()
        return
    read = _CaseReader(path)
    for index, item in enumerate(itertools.chain([first], items)):
        yield read(item, index, None)


class _CaseReader:
    """Turns a case file's items into cases, each checked, ids unique within the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: set[str] = set()
        self.definitions: dict[Any, Definition] = {}

    def __call__(self, item: Any, index: int, line: int | None) -> Case:
        path = self.path
        if not isinstance(item, dict):
            raise InputError(f"{_where(path, line)}: case {index + 1}: expected a mapping, got {type(item).__name__}")
        case = _case(item, path, line, index, self.definitions)
        if case.id in self.seen:
            raise InputError(f"{_where(path, line)}: case '{case.id}': the id is used twice in this file")
        self.seen.add(case.id)
        return case


def _looks_like_a_case(item: Any) -> bool:
    """A kind apigw runs, or the shape of a case with a mistyped kind."""
    return isinstance(item, dict) and (item.get("kind") in KINDS or {"id", "kind", "expect"} <= item.keys())


def _expectation_spans(case_node: Any) -> dict[str, tuple[int, int, int]]:
    """Where ``expect.body``/``expect.json`` are written in this case's own text. A value
    reached through an alias (``*anchor``) is written elsewhere: it has no span here and is
    left alone."""
    spans: dict[str, tuple[int, int, int]] = {}
    if case_node is None or case_node.id != "mapping":
        return spans
    in_case = range(case_node.start_mark.index, case_node.end_mark.index + 1)
    for key, value in case_node.value:
        if key.value != "expect" or value.id != "mapping" or value.start_mark.index not in in_case:
            continue
        in_expect = range(value.start_mark.index, value.end_mark.index + 1)
        for expect_key, expect_value in value.value:
            if expect_key.value in ("body", "json") and expect_value.start_mark.index in in_expect:
                column = -1 if value.flow_style else expect_key.start_mark.column
                spans[expect_key.value] = (expect_value.start_mark.index, _content_end(expect_value), column)
    return spans


def _content_end(node: Any) -> int:
    """Where a value's own text ends: a block collection ends with its last value, not at the
    next key (which would take comments and indentation with it)."""
    if node.id in ("mapping", "sequence") and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if node.id == "mapping" else last)
    return int(node.end_mark.index)


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


def _case(item: dict[str, Any], path: Path, line: int | None, index: int, definitions: dict[Any, Definition]) -> Case:
    label = f"case '{item['id']}'" if isinstance(item.get("id"), str) else f"case {index + 1}"

    def error(key: str, message: str) -> InputError:
        return InputError(f"{_where(path, line)}: {label}: key '{key}': {message}")

    unknown = unknown_keys(item, CASE_KEYS)
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
    exclusive("integration", "integrationFile")
    exclusive("integration", "definition")
    exclusive("integrationFile", "definition")
    integration = None
    route = None
    if "integration" in item:
        integration = integration_from_mapping(item["integration"], f"{where}: integration")
    elif "integrationFile" in item:
        integration = load_integration(str(referenced("integrationFile", "integration file")))
    elif "definition" in item:
        if kind != "invoke":
            raise error("definition", "a definition's route is for invoke cases")
        route = _route_call(
            item, referenced("definition", "definition"), _stage_given(item, folder), error, definitions
        )
    elif kind == "invoke":
        raise InputError(f"{where}: an invoke case needs 'integration', 'integrationFile' or 'definition'")
    if route is None and ("route" in item or "api" in item or "params" in item):
        raise error("route", "'route', 'api' and 'params' go with 'definition'")
    handler = None
    if route is not None and "handler" in item:
        handler_items = item["handler"]
        if isinstance(handler_items, dict):
            handler_items = [f"{name}={spec}" for name, spec in handler_items.items()]
        elif isinstance(handler_items, str):
            handler_items = [handler_items]
        if not isinstance(handler_items, list) or not all(isinstance(value, str) for value in handler_items):
            raise error("handler", "expected FILE.py:FUNCTION, a mapping file, or a mapping of names to handlers")
        try:
            route.handlers = HandlerMap.parse([str(value) for value in handler_items], folder)
            route.handlers.check(route.api)
        except (UsageError, InputError) as exc:
            raise error("handler", exc.message) from None
    elif "handler" in item:
        if not isinstance(item["handler"], str):
            raise error("handler", "expected file.py:function or module:function")
        try:
            handler = HandlerSpec.parse(item["handler"], folder)
        except (UsageError, InputError) as exc:
            raise error("handler", exc.message) from None
        if handler.file is not None:
            inputs.append(handler.file)
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
        route=route,
    )


def _stage_given(item: dict[str, Any], folder: Path) -> str | None:
    """The stage the case's request names, if it names one (else the definition's applies)."""
    if "requestFile" in item:
        data = load_document(str(folder / item["requestFile"]), what="request file")
    else:
        data = item.get("request")
    if not isinstance(data, dict):
        return None
    context = data.get("requestContext")  # a Lambda proxy event
    stage = context.get("stage") if isinstance(context, dict) else data.get("stage")
    return None if stage is None else str(stage)


def _route_call(
    item: dict[str, Any], definition: Path, stage: str | None, error: Any, definitions: dict[Any, Definition]
) -> RouteCall:
    """``route:`` (``'METHOD PATH'``) in ``definition:``'s API (``api:`` among several), with
    ``params:`` for a template's parameters."""
    route = item.get("route")
    method, _, target = route.strip().partition(" ") if isinstance(route, str) else ("", "", "")
    if not method or not target.strip().startswith("/"):
        raise error("route", "expected 'METHOD PATH', e.g. 'GET /pets/7'")
    params = item.get("params") or {}
    if not isinstance(params, dict) or not all(isinstance(value, str | int | float) for value in params.values()):
        raise error("params", "expected a mapping of template parameters to their values (text)")
    key = (definition.resolve(), tuple(sorted((str(name), str(value)) for name, value in params.items())))
    if key not in definitions:  # one load per definition and parameters, for the whole file
        try:
            definitions[key] = load_definition(str(definition), dict(key[1]))
        except UsageError as exc:
            raise error("params", exc.message) from None
    api_name = item.get("api")
    if api_name is not None and not isinstance(api_name, str):
        raise error("api", "expected the API's name (its logical id)")
    try:
        api = definitions[key].api(api_name)
    except UsageError as exc:
        raise error("api", exc.message) from None
    return RouteCall(api, method.upper(), target.strip(), stage, HandlerMap())


def _expectation(raw: Any, error: Any) -> Expectation:
    if raw is None:
        raise error("expect", "every case needs an expectation")
    if not isinstance(raw, dict):
        raise error("expect", "expected a mapping")
    unknown = unknown_keys(raw, EXPECT_KEYS)
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
    """Rewrite ``expect.body``/``expect.json`` of the cases named in ``actual`` (id → output).
    In YAML only those values' own text changes: comments, patterns, other keys, anchors and
    line endings stay. A JSON case file is written back whole, with two-space indentation.
    Returns whether the file changed."""
    if case_file.path.suffix == ".json":
        return _update_json(case_file, actual)
    newline = "\r\n" if "\r\n" in case_file.text else "\n"
    edits: list[tuple[int, int, str]] = []
    for case, spans in zip(case_file.cases, case_file.spans, strict=True):
        output = actual.get(case.id)
        if output is None:
            continue
        for key, (start, end, column) in spans.items():
            end = start + len(case_file.text[start:end].rstrip("\r\n"))
            if key == "body":
                line_end = case_file.text.find("\n", end)
                rest_of_line = case_file.text[end : line_end if line_end >= 0 else len(case_file.text)]
                # After a comment on the value's line, a block would swallow it: quote instead.
                replacement = _yaml_text(output, column if not rest_of_line.strip() else -1, newline)
            else:
                value = _json_value(output)
                if value is _NO_JSON:
                    continue  # the output is not JSON: an expected JSON value cannot come from it
                replacement = _yaml_flow(value)
            edits.append((start, end, replacement))
    text = case_file.text
    for start, end, replacement in sorted(edits, reverse=True):
        if end == len(text) and replacement.startswith("|"):
            replacement += newline  # a block scalar needs its line to end
        text = text[:start] + replacement + text[end:]
    if text == case_file.text:
        return False
    case_file.path.write_bytes(text.encode("utf-8"))
    return True


def _update_json(case_file: CaseFile, actual: dict[str, str]) -> bool:
    data = json.loads(case_file.text.removeprefix("\ufeff"))
    changed = False
    for item in data:
        output = actual.get(str(item.get("id"))) if isinstance(item, dict) else None
        expect = item.get("expect") if output is not None else None
        if not isinstance(expect, dict):
            continue
        if "body" in expect and expect["body"] != output:
            expect["body"], changed = output, True
        value = _json_value(output) if "json" in expect else _NO_JSON
        if value is not _NO_JSON and expect["json"] != value:
            expect["json"], changed = value, True
    if changed:
        case_file.path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return changed


def _json_value(text: str | None) -> Any:
    try:
        return json.loads(text or "", parse_constant=lambda name: _NO_JSON)
    except (ValueError, RecursionError):
        return _NO_JSON


def _yaml_flow(value: Any) -> str:
    """``value`` on one line: as JSON (also YAML) when YAML reads that back as the same value,
    else as YAML's own flow style (YAML 1.1 reads JSON's ``1e+300`` as a string)."""
    import yaml

    as_json = json.dumps(value, ensure_ascii=False)
    try:
        if yaml.safe_load(as_json) == value:
            return as_json
    except yaml.YAMLError:
        pass
    dumped = yaml.safe_dump(value, default_flow_style=True, width=2**31, allow_unicode=True, sort_keys=False)
    return dumped.removesuffix("\n").removesuffix("\n...")


#: Characters a literal block cannot hold as they are: controls, and YAML's other line breaks.
_NOT_IN_BLOCK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]")


def _yaml_text(text: str, key_column: int, newline: str = "\n") -> str:
    """``text`` as a YAML value after ``key:``: a literal block (``|``/``|-``) when it spans
    lines and reads back exactly, else a double-quoted scalar."""
    import yaml

    trailing = len(text) - len(text.rstrip("\n"))
    lines = text[: len(text) - trailing].split("\n")
    block_safe = (
        key_column >= 0
        and len(lines) > 1
        and trailing <= 1
        and _NOT_IN_BLOCK.search(text) is None
        and "\r" not in text
        and lines[0] != ""
        and not lines[0].startswith((" ", "\t"))
        and all(line == line.rstrip(" \t") for line in lines)
    )
    if not block_safe:
        quoted = yaml.safe_dump(text, default_style='"', width=2**31, allow_unicode=True)
        return quoted.removesuffix("\n").removesuffix("\n...")
    indent = " " * (key_column + 2)
    body = newline.join(indent + line if line else "" for line in lines)
    return ("|" if trailing else "|-") + newline + body
