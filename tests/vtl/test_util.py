"""``$util`` functions, byte for byte as API Gateway's (spec §6.5)."""

from __future__ import annotations

import json

import pytest

from apigw_cli.errors import TemplateRenderError
from apigw_cli.vtl.util import Util
from tests.helpers import json_request, render

UTIL = Util()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("It's", "It\\'s"),  # documented: ' becomes \' (invalid inside JSON)
        ('say "hi"', 'say \\"hi\\"'),
        ("a\\b/c", "a\\\\b\\/c"),
        ("\b\t\n\f\r", "\\b\\t\\n\\f\\r"),
        ("\x00\x01\x1f", "\\u0000\\u0001\\u001F"),
        ("\x7f", "\x7f"),  # DEL is left alone (Commons Lang 2.6)
        ("é ü", "\\u00E9 \\u00FC"),
        ("\u2028 €", "\\u2028 \\u20AC"),
        ("😀", "\\uD83D\\uDE00"),  # astral characters as two escaped UTF-16 units
        ("<&>=~", "<&>=~"),
    ],
)
def test_escape_javascript(text: str, expected: str) -> None:
    assert UTIL.escape_javascript(text) == expected


def test_escape_javascript_idiom_gives_valid_json() -> None:
    # spec §12.4: .replaceAll("\\'", "'") undoes the \' so the string is valid JSON.
    template = '{"n": "$util.escapeJavaScript($input.path(\'$.n\')).replaceAll("\\\\\'", "\'")"}'
    output = render(template, json_request(json.dumps({"n": 'O\'Neil "the" /Rex/\n'})))
    assert json.loads(output) == {"n": 'O\'Neil "the" /Rex/\n'}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b", "a+b"),  # form encoding: space is + [rec]
        ('{"a":1}', "%7B%22a%22%3A1%7D"),  # { " : encoded [rec]
        ("*-._", "*-._"),
        ("~'!()", "%7E%27%21%28%29"),
        ("é/€", "%C3%A9%2F%E2%82%AC"),
    ],
)
def test_url_encode_is_javas_url_encoder(text: str, expected: str) -> None:
    assert UTIL.url_encode(text) == expected
    assert UTIL.url_decode(expected) == text


def test_url_decode_rejects_a_broken_escape() -> None:
    with pytest.raises(TemplateRenderError, match="URLDecoder"):
        render("$util.urlDecode('100%')")


def test_base64_round_trip_is_utf8() -> None:
    assert UTIL.base64_encode("hello é") == "aGVsbG8gw6k="
    assert UTIL.base64_decode("aGVsbG8gw6k=") == "hello é"
    with pytest.raises(TemplateRenderError, match="base64Decode"):
        render("$util.base64Decode('not base64!')")


def test_parse_json_gives_template_values() -> None:
    # spec §6.5: parseJson(s) gives a Map/List/value; nested fields reachable.
    body = json.dumps({"errorMessage": json.dumps({"key2": {"arr": [1, 2]}, "s": "x"})})
    template = "#set($e = $util.parseJson($input.path('$.errorMessage')))$e.key2.arr[0] $e.s $e.key2"
    assert render(template, json_request(body)) == "1 x {arr=[1,2]}"
    with pytest.raises(TemplateRenderError, match="invalid JSON"):
        render("$util.parseJson('{')")


def test_null_arguments_give_null() -> None:
    # spec §6.5: urlEncode(null) prints empty, not an error [rec].
    template = "[$util.escapeJavaScript($n)][$util.urlEncode($n)][$util.urlDecode($n)][$util.base64Encode($n)][$util.parseJson($n)]"
    assert render(template) == "[][][][][]"


def test_base64_decode_accepts_missing_padding_as_java_does() -> None:
    assert UTIL.base64_decode("aGk") == "hi"
    with pytest.raises(TemplateRenderError, match="dangling"):
        render("$util.base64Decode('aGVsb')")
