"""Comparing outputs: JSON by structure, XML by canonical form, text line by line."""

from __future__ import annotations

import pytest

from apigw_cli.diff import compare_outputs


def describe(actual: str, expected: str, **options: bool) -> list[str]:
    return [difference.describe() for difference in compare_outputs(actual, expected, **options).differences]


def test_json_ignores_key_order_and_spacing() -> None:
    result = compare_outputs('{"b": [1, 2], "a": {"x": null}}', '{\n  "a": {"x": null},\n  "b": [1,2]\n}')
    assert (result.format, result.equal, result.differences, result.unified) == ("json", True, [], [])


def test_json_differences_are_named_by_path() -> None:
    expected = '{"items": [{"price": 10}, {"price": 5}], "name": "Rex", "tags": ["a"], "odd key": 1}'
    actual = '{"items": [{"price": 12}], "tags": "a", "odd key": 2, "extra": true}'
    assert describe(actual, expected) == [
        "$.items[0].price: 10 -> 12",
        '$.items[1]: removed {"price": 5}',
        '$.name: removed "Rex"',
        '$.tags: type changed, ["a"] -> "a"',
        "$['odd key']: 1 -> 2",
        "$.extra: added true",
    ]


def test_json_numbers_compare_by_value_but_booleans_are_not_numbers() -> None:
    assert compare_outputs('{"n": 1.0}', '{"n": 1}').equal
    assert describe('{"n": true}', '{"n": 1}') == ["$.n: type changed, 1 -> true"]


def test_strict_json_counts_order_and_spacing() -> None:
    result = compare_outputs('{"b":1,"a":2}', '{"a": 2, "b": 1}', strict=True)
    assert (result.equal, result.differences) == (False, [])
    assert result.unified[:2] == ["--- expected\n", "+++ actual\n"]


def test_xml_compares_canonical_forms() -> None:
    expected = '<s:Envelope xmlns:s="urn:soap"><s:Body id="1" kind="x">\n  <a>1</a>\n</s:Body></s:Envelope>'
    actual = '<e:Envelope xmlns:e="urn:soap"><e:Body kind="x" id="1"><a>1</a></e:Body></e:Envelope>'
    result = compare_outputs(actual, expected)
    assert (result.format, result.equal) == ("xml", True)  # prefixes, attribute order, blank text


def test_xml_differences_are_named_by_path() -> None:
    expected = '<r><item id="1">a</item><item id="2">b</item></r>'
    actual = '<r><item id="1">A</item><item id="3">b</item><more/></r>'
    assert describe(actual, expected) == [
        '/r/item[1]/text(): "a" -> "A"',
        '/r/item[2]/@id: "2" -> "3"',
        '/r/more[1]: added "more"',
    ]


def test_hostile_xml_is_never_expanded() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>'
    )
    external = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    for hostile in (bomb, external):
        result = compare_outputs(hostile, "<lolz>x</lolz>")
        assert not result.equal
        assert "root:" not in repr(result)


@pytest.mark.parametrize(("actual", "expected"), [("a\nb\n", "a\nc\n"), ("x", "y\n")])
def test_text_is_a_unified_diff(actual: str, expected: str) -> None:
    result = compare_outputs(actual, expected)
    assert (result.format, result.equal) == ("text", False)
    assert result.unified[0] == "--- expected\n"
    assert any(line.startswith("+") and not line.startswith("+++") for line in result.unified)


def test_a_missing_final_newline_is_shown() -> None:
    assert "\\ No newline at end of file\n" in compare_outputs("x", "x\n").unified
