"""The JSONPath dialect of ``$input.path``/``$input.json``: Jayway JsonPath (spec §6.8)."""

from __future__ import annotations

from typing import Any

import pytest

from apigw_cli.vtl.jsonpath import JsonPathError, evaluate

STORE = {
    "store": {
        "book": [
            {"category": "reference", "author": "Rees", "title": "Sayings", "price": 8.95},
            {"category": "fiction", "author": "Waugh", "title": "Sword", "price": 12.99, "isbn": "0-553"},
            {"category": "fiction", "author": "Tolkien", "title": "Rings", "price": 22.99, "isbn": "0-395"},
        ],
        "bicycle": {"color": "red", "price": 19.95},
    },
    "expensive": 10,
    "odd key": "yes",
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", STORE),
        ("$.store.bicycle.color", "red"),
        ("$['store']['bicycle']['color']", "red"),
        ('$["odd key"]', "yes"),
        ("$.store.book[0].title", "Sayings"),
        ("$.store.book[-1].title", "Rings"),
        ("$.store.missing", None),  # definite path, no match: null (spec §6.8)
        ("$.store.book[9]", None),
        # Indefinite paths return lists (spec §6.8).
        ("$.store.book[*].author", ["Rees", "Waugh", "Tolkien"]),
        ("$.store.book.*.price", [8.95, 12.99, 22.99]),
        ("$..author", ["Rees", "Waugh", "Tolkien"]),
        ("$.store..price", [8.95, 12.99, 22.99, 19.95]),  # pre-order, as Jayway walks
        ("$.store.book[0,2].title", ["Sayings", "Rings"]),
        ("$.store.book[:2].title", ["Sayings", "Sword"]),
        ("$.store.book[1:].title", ["Sword", "Rings"]),
        ("$.store.book[-2:].title", ["Sword", "Rings"]),
        ("$.store.book[?(@.price > 10)].title", ["Sword", "Rings"]),
        ("$.store.book[?(@.isbn)].title", ["Sword", "Rings"]),
        ("$.store.book[?(!@.isbn)].title", ["Sayings"]),
        ("$.store.book[?(@.category == 'fiction' && @.price < 20)].title", ["Sword"]),
        ("$.store.book[?(@.price < $.expensive)].title", ["Sayings"]),
        ("$.store.book[?(@.author =~ /t.*/i)].title", ["Rings"]),
        ("$.store.book[?(@.author in ['Rees', 'Waugh'])].title", ["Sayings", "Sword"]),
        ("$.store.missing[*]", []),
        ("$.store.book.length()", 3),
        ("$.store['bicycle', 'missing']", {"bicycle": {"color": "red", "price": 19.95}}),
    ],
)
def test_jayway_paths(path: str, expected: Any) -> None:
    assert evaluate(path, STORE) == expected


@pytest.mark.parametrize("path", ["store.book", "$.store[", "$.store.book[?(@.price >)]", "$..", "$.a[?@.b]"])
def test_invalid_paths_are_refused(path: str) -> None:
    with pytest.raises(JsonPathError):
        evaluate(path, STORE)


def test_a_zero_slice_step_is_refused() -> None:
    with pytest.raises(JsonPathError, match="step cannot be 0"):
        evaluate("$[::0]", [1, 2])
