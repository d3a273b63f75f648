"""The JSONPath dialect of ``$input.path`` and ``$input.json``: Jayway JsonPath (spec §6.8).

A *definite* path (only names and single indexes) yields one value, or null when nothing
matches; an *indefinite* path (``[*]``, ``..``, slices, unions, filters) yields the list of
matches, possibly empty.

>>> doc = {"store": {"book": [{"title": "A", "price": 8}, {"title": "B", "price": 12}]}}
>>> evaluate("$.store.book[0].title", doc)
'A'
>>> evaluate("$..book[?(@.price > 10)].title", doc)
['B']
>>> evaluate("$.store.book[-1:].price", doc), evaluate("$.missing", doc)
([12], None)
>>> evaluate("$.store.book.length()", doc)
2
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from apigw_cli.vtl.javaregex import JavaRegexError, compile_java_regex
from apigw_cli.vtl.limits import MAX_COLLECTION_ITEMS, LimitReached


class JsonPathError(ValueError):
    """A path Jayway would reject (``InvalidPathException``)."""


_MISSING = object()

# A selector turns one node into the nodes it selects.
Selector = Callable[[Any, Any], Iterator[Any]]


@dataclass(frozen=True)
class CompiledPath:
    selectors: tuple[Selector, ...]
    definite: bool
    function: str | None
    #: For a path of names and single indexes only (``$.a.b[0]``, the usual kind): the keys
    #: to walk, without building node lists.
    keys: tuple[str | int, ...] | None = None

    def select(self, document: Any) -> list[Any]:
        """Every node the path selects, in document order. A union selects a node again for
        each time it names it (``[0,0]``): a path of them doubles its nodes at every step, so
        they are counted as they are found."""
        nodes: list[Any] = [document]
        for selector in self.selectors:
            found = (child for node in nodes for child in selector(node, document))
            nodes = list(islice(found, MAX_COLLECTION_ITEMS + 1))
            if len(nodes) > MAX_COLLECTION_ITEMS:
                raise LimitReached(f"the JSONPath selects more than {MAX_COLLECTION_ITEMS:,} nodes")
        return nodes

    def apply(self, document: Any) -> Any:
        if self.keys is not None:
            node = document
            for key in self.keys:
                if isinstance(key, str):
                    if not isinstance(node, dict) or key not in node:
                        return None
                    node = node[key]
                elif isinstance(node, list) and -len(node) <= key < len(node):
                    node = node[key]
                else:
                    return None
            return node
        nodes = self.select(document)
        if self.function is not None:
            return _FUNCTIONS[self.function](nodes[0] if self.definite and nodes else nodes)
        if self.definite:
            return nodes[0] if nodes else None
        return nodes


def evaluate(path: str, document: Any) -> Any:
    """Apply ``path`` to a parsed JSON document."""
    return compile_path(path).apply(document)


def compile_path(path: str) -> CompiledPath:
    """``path`` parsed (``$input`` keeps what it compiles: a template's paths parse once)."""
    return _Parser(path).parse()


# -- selectors ------------------------------------------------------------------------------


def _child(name: str) -> Selector:
    def select(node: Any, root: Any) -> Iterator[Any]:
        if isinstance(node, dict) and name in node:
            yield node[name]

    _WALKED[select] = name
    return select


#: The selectors a definite path walks by key: a child's name, a single index.
_WALKED: weakref.WeakKeyDictionary[Selector, str | int] = weakref.WeakKeyDictionary()


def _children_map(names: tuple[str, ...]) -> Selector:
    """``['a','b']``: Jayway answers a map of the named properties that exist."""

    def select(node: Any, root: Any) -> Iterator[Any]:
        if isinstance(node, dict):
            yield {name: node[name] for name in names if name in node}

    return select


def _wildcard(node: Any, root: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        yield from node.values()
    elif isinstance(node, list):
        yield from node


def _indexes(indexes: tuple[int, ...]) -> Selector:
    def select(node: Any, root: Any) -> Iterator[Any]:
        if isinstance(node, list):
            for index in indexes:
                if -len(node) <= index < len(node):
                    yield node[index]

    if len(indexes) == 1:
        _WALKED[select] = indexes[0]
    return select


def _slice(start: int | None, stop: int | None, step: int | None) -> Selector:
    def select(node: Any, root: Any) -> Iterator[Any]:
        if isinstance(node, list):
            yield from node[start:stop:step]

    return select


def _descendants(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _descendants(value)
    elif isinstance(node, list):
        for value in node:
            yield from _descendants(value)


def _deep(selector: Selector) -> Selector:
    def select(node: Any, root: Any) -> Iterator[Any]:
        for descendant in _descendants(node):
            yield from selector(descendant, root)

    return select


def _filter(predicate: Callable[[Any, Any], bool]) -> Selector:
    """``[?(...)]``: the list items that pass; an object is tested itself, as Jayway does."""

    def select(node: Any, root: Any) -> Iterator[Any]:
        items = node if isinstance(node, list) else [node] if isinstance(node, dict) else []
        for item in items:
            if predicate(item, root):
                yield item

    return select


def _length(value: Any) -> Any:
    return len(value) if isinstance(value, list | dict | str) else None


def _numbers(value: Any) -> list[float | int]:
    return [item for item in (value if isinstance(value, list) else []) if type(item) in (int, float)]


_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "length": _length,
    "size": _length,
    "min": lambda value: float(min(_numbers(value))) if _numbers(value) else None,
    "max": lambda value: float(max(_numbers(value))) if _numbers(value) else None,
    "sum": lambda value: float(sum(_numbers(value))),
    "avg": lambda value: float(sum(_numbers(value)) / len(_numbers(value))) if _numbers(value) else None,
    "keys": lambda value: list(value.keys()) if isinstance(value, dict) else None,
    "first": lambda value: value[0] if isinstance(value, list) and value else None,
    "last": lambda value: value[-1] if isinstance(value, list) and value else None,
}

# -- parser ---------------------------------------------------------------------------------

_NAME = re.compile(r"[^.\[\]()\s]+")
_QUOTED = re.compile(r"\s*(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\")\s*")
_INTEGER = re.compile(r"\s*(-?\d+)\s*")
_SLICE = re.compile(r"\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?")
_FUNCTION = re.compile(r"\.(length|size|min|max|sum|avg|keys|first|last)\(\)$")


class _Parser:
    def __init__(self, path: str) -> None:
        self.path = path.strip()
        self.pos = 0
        self.definite = True

    def fail(self, message: str) -> JsonPathError:
        return JsonPathError(f"invalid JSONPath {self.path!r} at {self.pos}: {message}")

    def parse(self) -> CompiledPath:
        path = self.path
        function = None
        match = _FUNCTION.search(path)
        if match:
            function = match.group(1)
            path = path[: match.start()]
            self.path = path
        if not path.startswith("$"):
            raise self.fail("a path starts with $")
        self.pos = 1
        selectors: list[Selector] = []
        while self.pos < len(path):
            selectors.append(self.selector())
        walked = [_WALKED.get(selector) for selector in selectors]
        keys = tuple(key for key in walked if key is not None)
        simple = self.definite and function is None and len(keys) == len(selectors)
        return CompiledPath(tuple(selectors), self.definite, function, keys if simple else None)

    def selector(self) -> Selector:
        path = self.path
        if path.startswith("..", self.pos):
            self.pos += 2
            self.definite = False
            if path.startswith("[", self.pos):
                return _deep(self.bracket())
            return _deep(self.dotted())
        if path.startswith(".", self.pos):
            self.pos += 1
            return self.dotted()
        if path.startswith("[", self.pos):
            return self.bracket()
        raise self.fail("expected '.' or '['")

    def dotted(self) -> Selector:
        if self.path.startswith("*", self.pos):
            self.pos += 1
            self.definite = False
            return _wildcard
        match = _NAME.match(self.path, self.pos)
        if match is None:
            raise self.fail("expected a property name")
        self.pos = match.end()
        return _child(match.group())

    def bracket(self) -> Selector:
        path = self.path
        self.pos += 1
        end = self.matching_bracket()
        inner = path[self.pos : end]
        self.pos = end + 1
        stripped = inner.strip()
        if stripped == "*":
            self.definite = False
            return _wildcard
        if stripped.startswith("?"):
            self.definite = False
            body = stripped[1:].strip()
            if not (body.startswith("(") and body.endswith(")")):
                raise self.fail("a filter is written [?(...)]")
            return _filter(_FilterParser(body[1:-1], self.path).parse())
        names = _split_quoted(inner)
        if names is not None:
            if len(names) == 1:
                return _child(names[0])
            return _children_map(tuple(names))
        slice_match = _SLICE.fullmatch(inner)
        if slice_match and ":" in inner:
            self.definite = False
            start, stop, step = (int(group) if group else None for group in slice_match.groups())
            if step == 0:
                raise self.fail("a slice step cannot be 0")
            return _slice(start, stop, step)
        parts = inner.split(",")
        indexes = []
        for part in parts:
            integer = _INTEGER.fullmatch(part)
            if integer is None:
                raise self.fail(f"cannot read [{inner}]")
            indexes.append(int(integer.group(1)))
        if len(indexes) > 1:
            self.definite = False
        return _indexes(tuple(indexes))

    def matching_bracket(self) -> int:
        depth, quote = 0, ""
        for index in range(self.pos, len(self.path)):
            char = self.path[index]
            if quote:
                if char == quote and self.path[index - 1] != "\\":
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char in "([":
                depth += 1
            elif char in ")]":
                if depth == 0 and char == "]":
                    return index
                depth -= 1
        raise self.fail("unclosed '['")


def _split_quoted(inner: str) -> list[str] | None:
    """``'a'`` or ``'a','b'`` → the names; ``None`` when ``inner`` is not quoted names."""
    names: list[str] = []
    pos = 0
    while True:
        match = _QUOTED.match(inner, pos)
        if match is None:
            return None
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        names.append(re.sub(r"\\(.)", r"\1", raw))
        pos = match.end()
        if pos == len(inner):
            return names
        if inner[pos] != ",":
            return None
        pos += 1


# -- filters --------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<regex>/(?:[^/\\]|\\.)*/[a-z]*)
      | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
      | (?P<path>[@$](?:\.\.?[^\s.\[\]()=!<>&|~]+|\[[^\]]*\]|\.\*)*(?:\.length\(\)|\.size\(\))?)
      | (?P<op>==|!=|<=|>=|=~|&&|\|\||<|>|!|\(|\)|\b(?:in|nin|subsetof|anyof|noneof|size|empty)\b)
      | (?P<word>true|false|null)
      | (?P<list>\[[^\]]*\])
    )""",
    re.X,
)

Operand = Callable[[Any, Any], Any]


class _FilterParser:
    """``@.price < 10 && (@.tag == 'a' || !@.sold)`` into a predicate ``(item, root) -> bool``."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.tokens = self.tokenize()
        self.index = 0

    def tokenize(self) -> list[tuple[str, str]]:
        tokens = []
        pos = 0
        text = self.text.rstrip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                raise JsonPathError(f"invalid filter in JSONPath {self.path!r}: {text[pos:]!r}")
            kind = match.lastgroup
            assert kind is not None
            tokens.append((kind, match.group(kind)))
            pos = match.end()
        return tokens

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise JsonPathError(f"incomplete filter in JSONPath {self.path!r}")
        self.index += 1
        return token

    def parse(self) -> Callable[[Any, Any], bool]:
        predicate = self.disjunction()
        if self.peek() is not None:
            raise JsonPathError(f"unexpected {self.peek()!r} in the filter of JSONPath {self.path!r}")
        return predicate

    def disjunction(self) -> Callable[[Any, Any], bool]:
        return self.chain("||", self.conjunction, any)

    def conjunction(self) -> Callable[[Any, Any], bool]:
        return self.chain("&&", self.unary, all)

    def chain(
        self, op: str, term: Callable[[], Callable[[Any, Any], bool]], combine: Callable[[Iterator[bool]], bool]
    ) -> Callable[[Any, Any], bool]:
        """``term (op term)*``, combined with ``any`` (``||``) or ``all`` (``&&``)."""
        terms = [term()]
        while self.peek() == ("op", op):
            self.take()
            terms.append(term())
        if len(terms) == 1:
            return terms[0]
        return lambda item, root: combine(each(item, root) for each in terms)

    def unary(self) -> Callable[[Any, Any], bool]:
        token = self.peek()
        if token == ("op", "!"):
            self.take()
            inner = self.unary()
            return lambda item, root: not inner(item, root)
        if token == ("op", "("):
            self.take()
            inner = self.disjunction()
            if self.take() != ("op", ")"):
                raise JsonPathError(f"unbalanced parentheses in the filter of JSONPath {self.path!r}")
            return inner
        left = self.operand()
        token = self.peek()
        if token is None or token[0] != "op" or token[1] in ("&&", "||", ")"):
            return lambda item, root: _exists(left(item, root))
        op = self.take()[1]
        if op == "empty":
            expected = self.take()[1] == "true"
            return lambda item, root: _is_empty(left(item, root)) == expected
        right = self.operand()
        compare = _COMPARISONS.get(op)
        if compare is None:
            raise JsonPathError(f"unsupported operator {op!r} in JSONPath {self.path!r}")
        return lambda item, root: compare(left(item, root), right(item, root))

    def operand(self) -> Operand:
        kind, text = self.take()
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", text[1:-1])
            return lambda item, root: value
        if kind == "number":
            number = float(text) if any(char in text for char in ".eE") else int(text)
            return lambda item, root: number
        if kind == "word":
            constant = {"true": True, "false": False, "null": None}[text]
            return lambda item, root: constant
        if kind == "regex":
            return self.regex(text)
        if kind == "list":
            items = [_literal(part.strip()) for part in text[1:-1].split(",") if part.strip()]
            return lambda item, root: items
        if kind == "path":
            compiled = compile_path("$" + text[1:])
            if text.startswith("@"):
                return lambda item, root: _lookup(compiled, item)
            return lambda item, root: _lookup(compiled, root)
        raise JsonPathError(f"unexpected {text!r} in the filter of JSONPath {self.path!r}")

    def regex(self, text: str) -> Operand:
        body, _, flags = text[1:].rpartition("/")
        try:
            pattern = compile_java_regex(("(?i)" if "i" in flags else "") + body)
        except JavaRegexError as exc:
            raise JsonPathError(str(exc)) from exc
        return lambda item, root: pattern


def _lookup(compiled: CompiledPath, node: Any) -> Any:
    """A filter operand: the value, a list for an indefinite path, or missing."""
    if compiled.function is not None:
        return compiled.apply(node)
    found = compiled.select(node)
    if compiled.definite:
        return found[0] if found else _MISSING
    return found


def _literal(text: str) -> Any:
    if text[:1] in "'\"":
        return text[1:-1]
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return {"true": True, "false": False, "null": None}.get(text, text)


def _exists(value: Any) -> bool:
    return value is not _MISSING


def _is_empty(value: Any) -> bool:
    return isinstance(value, str | list | dict) and len(value) == 0


def _comparable(left: Any, right: Any) -> bool:
    numbers = (int, float)
    return (type(left) in numbers and type(right) in numbers) or (isinstance(left, str) and isinstance(right, str))


def _matches(value: Any, pattern: Any) -> bool:
    return isinstance(value, str) and isinstance(pattern, re.Pattern) and pattern.fullmatch(value) is not None


def _lists(left: Any, right: Any) -> bool:
    return isinstance(left, list) and isinstance(right, list)


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right)


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda left, right: left is not _MISSING and _equal(left, right),
    "!=": lambda left, right: left is not _MISSING and not _equal(left, right),
    "<": lambda left, right: _comparable(left, right) and left < right,
    "<=": lambda left, right: _comparable(left, right) and left <= right,
    ">": lambda left, right: _comparable(left, right) and left > right,
    ">=": lambda left, right: _comparable(left, right) and left >= right,
    "=~": _matches,
    "in": lambda left, right: isinstance(right, list) and left in right,
    "nin": lambda left, right: isinstance(right, list) and left not in right,
    "subsetof": lambda left, right: _lists(left, right) and all(item in right for item in left),
    "anyof": lambda left, right: _lists(left, right) and any(item in right for item in left),
    "noneof": lambda left, right: _lists(left, right) and not any(item in right for item in left),
    "size": lambda left, right: isinstance(left, list | str) and len(left) == right,
}
