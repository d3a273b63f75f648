"""Properties over generated input (hypothesis): the engine answers any template with output
or an ApigwError, and the helpers that must round-trip do."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apigw_cli.errors import ApigwError
from apigw_cli.vtl.methods import STRING_METHODS
from apigw_cli.vtl.util import _JS_SPECIAL, Util, _escape_char
from apigw_cli.vtl.values import java_double_to_string, json_smart_text, parse_json_text, to_json_text
from tests.helpers import json_request, render

#: Text without lone surrogates (a Java string could hold them; a UTF-8 file cannot).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
VTL_PIECES = st.sampled_from(
    ["$", "#", "\\", "(", ")", "{", "}", "[", "]", ".", ",", "'", '"', " ", "\n", "!", "=", "|",
     "$a", "$!a", "${a}", "$a.b", "$a.size()", "$input.body", "$input.path('$.x')", "#set($a = 1)", "#if(", "#if($a)",
     "#else", "#end", "#foreach($i in [1..3])", "#macro(m $p)", "#m(1)", "##", "#*", "*#", "#[[", "]]#", "#break",
     "#stop", "#define($d)", "#evaluate($s)", "1", "2.5", "true", "+", "-", "*", "/", "%", "==", "&&", "x", "é"]
)  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)
UTIL = Util()


@given(st.text(st.characters(exclude_characters="$#\\", exclude_categories=("Cs",)), max_size=200))
def test_plain_text_renders_as_itself(text: str) -> None:
    assert render(text) == text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(VTL_PIECES, max_size=25).map("".join))
def test_any_template_gives_output_or_an_apigw_error(template: str) -> None:
    try:
        output = render(template, json_request('{"x": [1, "two", {"three": 3}]}'))
    except ApigwError:
        return
    assert isinstance(output, str)


@given(TEXT)
def test_url_encode_round_trips(text: str) -> None:
    encoded = UTIL.url_encode(text)
    assert encoded is not None and encoded.isascii() and " " not in encoded
    assert UTIL.url_decode(encoded) == text


@given(TEXT)
def test_escaped_javascript_reads_back_as_the_text(text: str) -> None:
    escaped = UTIL.escape_javascript(text)
    assert escaped is not None and escaped.isascii()
    # The documented idiom for JSON: undo \' and the string parses back to the original.
    assert json.loads('"' + escaped.replace("\\'", "'") + '"') == text


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\\\"'/\n\b\t\f\r\x00\x1f\x7f")))
def test_escaped_javascript_is_each_special_character_escaped_in_turn(text: str) -> None:
    """The C scans of the fast path equal the definition, one character at a time."""
    assert UTIL.escape_javascript(text) == _JS_SPECIAL.sub(_escape_char, text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_java_doubles_print_the_shortest_exact_form(value: float) -> None:
    printed = java_double_to_string(value)
    assert float(printed) == value or (value == 0 and math.copysign(1, value) == math.copysign(1, float(printed)))


@given(JSON_VALUES)
def test_json_text_reads_back_as_the_value(value: object) -> None:
    assert json.loads(to_json_text(value)) == value


#: Values where Python's JSON text and json-smart's part: characters Python leaves or escapes
#: in lower case, doubles Java writes with an exponent.
AWKWARD = ["\x7f", "\x85", "\u2028", "\u20ac", "\x1f", "é", 1e-7, 0.00042, 1.5e20, 12345678.5, 123456789.0]


@pytest.mark.parametrize("value", AWKWARD)
def test_json_text_is_json_smarts_where_pythons_differs(value: object) -> None:
    """issue 12: the C encoder is used only where its text is json-smart's."""
    for container in (value, [1, value], {"k": value}):
        assert to_json_text(container) == json_smart_text(container)


@given(st.recursive(st.sampled_from(AWKWARD) | JSON_VALUES, lambda children: st.lists(children, max_size=4)))
def test_json_text_through_the_c_encoder_is_json_smarts(value: object) -> None:
    assert to_json_text(value) == json_smart_text(value)


@given(st.lists(JSON_VALUES, max_size=4) | st.dictionaries(TEXT, JSON_VALUES, max_size=4))
def test_input_json_of_the_root_reads_back_as_the_body(body: object) -> None:
    assert json.loads(render("$input.json('$')", json_request(json.dumps(body)))) == body


JSON_TEXT_PIECES = st.sampled_from(
    [" ", "\n", "\t", "\r", "\u00a0", "\ufeff", "{", "}", "[", "]", ",", ":", '"a"', '"', "1", "-", "2.5e3", "null",
     "true", "x", "\\", "é"]
)  # fmt: skip


@settings(max_examples=500)
@given(JSON_VALUES.map(json.dumps) | st.lists(JSON_TEXT_PIECES, max_size=12).map("".join))
@example("{}\n")
@example("[1] \t\r\n")
@example("[1]\u00a0")
@example("1 2")
@example(" {}")
@example("\ufeff{}")
def test_parse_json_text_is_json_loads(text: str) -> None:
    """The body's parse skips json.loads's wrappers when it can: same value, same error."""
    try:
        expected: object = json.loads(text)
    except (ValueError, RecursionError) as exc:
        expected = repr(exc)
    try:
        found: object = parse_json_text(text)
    except (ValueError, RecursionError) as exc:
        found = repr(exc)
    assert found == expected


@given(st.text("ab", max_size=10), st.text("ab", max_size=3), st.none() | st.integers(-3, 12))
def test_last_index_of_is_the_last_match_starting_at_or_before_start(text: str, needle: str, start: int | None) -> None:
    """Java's String.lastIndexOf, which apigw finds forwards in the reversed text."""
    limit = len(text) if start is None else start
    starts = range(len(text) - len(needle) + 1)
    expected = max((index for index in starts if index <= limit and text.startswith(needle, index)), default=-1)
    arguments = [needle] if start is None else [needle, start]
    assert STRING_METHODS["lastIndexOf"](text, *arguments) == expected
