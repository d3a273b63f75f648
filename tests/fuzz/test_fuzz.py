"""Bounded fuzzing in the suite (``make fuzz`` runs the same targets for longer, coverage
guided): every reader answers any input with a result or an ApigwError. Inputs that once
broke a reader are kept under tests/fuzz/regressions/TARGET/ and replayed here."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote_plus

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apigw_cli.vtl.util import Util
from tests.fuzz.targets import TARGETS
from tests.fuzz.targets import run as run_target

REGRESSIONS = Path(__file__).parent / "regressions"


def run(target: Callable[[bytes], None], data: bytes) -> None:
    """Run a target; under ``make fuzz`` (APIGW_FUZZ_SAVE=1) an input that breaks it is saved
    as a regression before the test fails."""
    try:
        run_target(target, data)
    except Exception:
        if os.environ.get("APIGW_FUZZ_SAVE"):
            name = next(key for key, value in TARGETS.items() if value is target)
            folder = REGRESSIONS / name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"hypothesis-{hashlib.sha1(data).hexdigest()}").write_bytes(data)
        raise


#: Examples per property: a few in make test, many in make fuzz (APIGW_FUZZ_EXAMPLES).
FUZZ = settings(
    max_examples=int(os.environ.get("APIGW_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    # Each branch draws a child (min_size=1), as hypothesis wants of a recursive extension.
    lambda children: (
        st.lists(children, min_size=1, max_size=4) | st.dictionaries(TEXT, children, min_size=1, max_size=4)
    ),
    max_leaves=25,
)

# -- a VTL grammar ---------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "item", "input", "context", "util", "foreach", "m"])
ARGUMENTS = st.sampled_from(["", "1", "'$.a'", '"x"', "$a", "[1, 2]", "{'k': 1}", "[1..3]", "$a, 2", "'$.a[0]'"])
METHODS = st.sampled_from(["size", "get", "path", "json", "params", "toUpperCase", "substring", "split", "keySet",
                           "put", "add", "contains", "escapeJavaScript", "parseJson", "matches", "replaceAll"])  # fmt: skip
REFERENCES = st.builds(
    lambda bang, brace, name, chain: f"${bang}{'{' if brace else ''}{name}{chain}{'}' if brace else ''}",
    st.sampled_from(["", "!"]),
    st.booleans(),
    NAMES,
    st.lists(st.builds(lambda m, a, call: f".{m}({a})" if call else f".{m}", METHODS, ARGUMENTS, st.booleans()),
             max_size=3).map("".join),
)  # fmt: skip
EXPRESSIONS = st.one_of(REFERENCES, ARGUMENTS, st.builds(lambda a, op, b: f"{a} {op} {b}", REFERENCES,
                        st.sampled_from(["==", "!=", "<", "+", "-", "*", "/", "%", "&&", "||"]), ARGUMENTS))  # fmt: skip


def _blocks(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda e, body: f"#if({e}){body}#else{body}#end", EXPRESSIONS, children),
        st.builds(lambda name, e, body: f"#foreach(${name} in {e}){body}#end", NAMES, EXPRESSIONS, children),
        st.builds(lambda body: f"#macro(mac $p){body}#end#mac(1)", children),
        st.builds(lambda body: f"#define($d){body}#end$d", children),
        st.lists(children, min_size=1, max_size=4).map("".join),
    )


TEMPLATES = st.recursive(
    st.one_of(REFERENCES, TEXT.filter(lambda text: "#" not in text and "$" not in text),
              st.builds(lambda name, e: f"#set(${name} = {e})", NAMES, EXPRESSIONS),
              st.sampled_from(["#end", "#else", "#if(", "$", "#", "#break", "#stop", "##c\n", "#*c*#", "\\$a"])),
    _blocks,
    max_leaves=12,
)  # fmt: skip


@FUZZ
@given(TEMPLATES)
def test_grammar_templates_render_or_fail_cleanly(template: str) -> None:
    run(TARGETS["template"], template.encode())


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_as_a_template(data: bytes) -> None:
    run(TARGETS["template"], data)


JSONPATH = st.lists(
    st.sampled_from(["$", ".", "..", "*", "[", "]", "'", "a", "b", "0", "-1", ":", ",", "?(", "@", "==", ")", "length()"]),
    max_size=12,
).map("".join)  # fmt: skip


@FUZZ
@given(JSONPATH | TEXT, JSON_VALUES.map(json.dumps) | TEXT)
def test_jsonpath_expressions_on_any_body(expression: str, body: str) -> None:
    run(TARGETS["jsonpath"], f"{expression}\n{body}".encode())


REQUEST_KEYS = st.sampled_from(["method", "path", "headers", "query", "multiValueQuery", "body", "json", "stage",
                                "isBase64Encoded", "pathParameters", "context", "status", "httpMethod",
                                "requestContext", "multiValueHeaders", "resource", "stageVariables", "nope"])  # fmt: skip
DOCUMENTS = st.one_of(
    st.dictionaries(REQUEST_KEYS, JSON_VALUES, max_size=6).map(json.dumps),
    JSON_VALUES.map(json.dumps),
    st.dictionaries(REQUEST_KEYS, JSON_VALUES, max_size=6).map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
)


@FUZZ
@given(DOCUMENTS.map(str.encode) | st.binary(max_size=200))
def test_request_and_response_files(data: bytes) -> None:
    run(TARGETS["request_file"], data)


XML_PIECES = st.sampled_from(["<", ">", "</", "/>", "a", "s:Envelope", "s:Body", "s:Fault", "xmlns:s=",
                              '"http://schemas.xmlsoap.org/soap/envelope/"', " ", "&amp;", "&x;", "<!DOCTYPE a [",
                              "<!ENTITY x 'y'>", "]>", "<![CDATA[", "]]>", "<?xml version='1.0'?>", "xsi:nil='true'",
                              "faultcode", "\x00", "é"])  # fmt: skip


@FUZZ
@given(st.lists(XML_PIECES, max_size=30).map("".join).map(str.encode) | st.binary(max_size=200))
def test_xml_documents(data: bytes) -> None:
    run(TARGETS["xml"], data)


CASE_KEYS = st.sampled_from(["id", "kind", "template", "request", "response", "integration", "expect", "skip",
                             "definition", "route", "handler", "templateFile", "source"])  # fmt: skip


@FUZZ
@given(st.lists(st.dictionaries(CASE_KEYS, JSON_VALUES, max_size=6), max_size=3))
def test_case_files_with_wrong_types_and_missing_keys(cases: list[dict[str, object]]) -> None:
    run(TARGETS["case_file"], yaml.safe_dump(cases, allow_unicode=True).encode())


DEFINITION_KEYS = st.sampled_from(["swagger", "openapi", "paths", "Resources", "Parameters", "Conditions", "info",
                                   "basePath", "servers", "Type", "Properties", "Fn::Sub", "Ref", "$ref"])  # fmt: skip
DEFINITION_VALUES = st.recursive(
    JSON_VALUES,
    lambda children: (
        st.dictionaries(DEFINITION_KEYS | TEXT, children, min_size=1, max_size=4)
        | st.lists(children, min_size=1, max_size=3)
    ),
    max_leaves=20,
)


@FUZZ
@given(
    st.fixed_dictionaries({"openapi": st.just("3.0.1")}, optional={"paths": DEFINITION_VALUES})
    | st.fixed_dictionaries({"Resources": DEFINITION_VALUES})
    | DEFINITION_VALUES
)
def test_definitions_with_wrong_types_and_missing_keys(document: object) -> None:
    run(TARGETS["definition"], json.dumps(document).encode())


@pytest.mark.parametrize(
    ("target", "path"),
    [(path.parent.name, path) for path in sorted(REGRESSIONS.glob("*/*")) if path.parent.name in TARGETS],
    ids=lambda value: str(value)[-40:],
)
def test_saved_regressions_stay_fixed(target: str, path: Path) -> None:
    run_target(TARGETS[target], path.read_bytes())


# -- differential checks ---------------------------------------------------------------------

UTIL = Util()


@given(TEXT)
def test_url_encode_is_javas_url_encoder(text: str) -> None:
    """Java's URLEncoder: letters, digits and .-*_ as they are, space as +, the rest as
    UTF-8 %XX (Python's quote_plus also keeps ~, which Java encodes)."""
    assert UTIL.url_encode(text) == quote_plus(text, safe="*").replace("~", "%7E")


@given(TEXT)
def test_base64_encode_is_the_standard_encoding(text: str) -> None:
    assert UTIL.base64_encode(text) == base64.b64encode(text.encode()).decode()
    assert UTIL.base64_decode(UTIL.base64_encode(text)) == text
