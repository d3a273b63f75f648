"""The Java methods templates call on strings, lists, maps, numbers and booleans.

Each table maps a Java method name to its implementation ``(self, *args)``. A call that
matches no Java overload (wrong arity or argument types) raises :class:`NoSuchMethod`, which
Velocity answers with null; a Java exception raises :class:`JavaException`, which fails the
render as it fails on API Gateway. Strings index by UTF-16 code units, as Java does.
Only Java 8 methods are listed (the Java version API Gateway runs is not documented).
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable
from typing import Any

from apigw_cli.vtl.javaregex import (
    JavaRegexError,
    compile_java_regex,
    java_replacement,
    java_split,
)
from apigw_cli.vtl.limits import MAX_COLLECTION_ITEMS, MAX_OUTPUT_CHARS, LimitReached
from apigw_cli.vtl.operators import is_number, java_equals
from apigw_cli.vtl.values import ArrayList, JavaArray, JavaChar, JavaCollection, MapEntry, to_java_string

Method = Callable[..., Any]

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: Java's ``trim`` removes every character up to U+0020, not Unicode whitespace.
_TRIMMED = "".join(chr(code) for code in range(0x21))


class NoSuchMethod(Exception):
    """No Java method of that name accepts these arguments."""


class JavaException(Exception):
    """A Java exception thrown inside a method, e.g. ``StringIndexOutOfBoundsException``."""

    def __init__(self, java_class: str, detail: str) -> None:
        super().__init__(f"{java_class}: {detail}")


# -- argument checks -----------------------------------------------------------------------


def _int(value: Any) -> int:
    if type(value) is not int or not _INT_MIN <= value <= _INT_MAX:
        raise NoSuchMethod
    return value


def _text(value: Any) -> str:
    if value is None:
        raise JavaException("NullPointerException", "argument is null")
    if not isinstance(value, str):
        raise NoSuchMethod
    return value


def map_key(key: Any) -> Any:
    """A value used as a map key. Java hashes lists and maps too; Python cannot, and apigw
    says so rather than guess."""
    try:
        hash(key)
    except TypeError:
        raise JavaException("UnsupportedOperationException", "apigw cannot use a list or a map as a map key") from None
    return key


def _regex(pattern: Any) -> re.Pattern[str]:
    try:
        return compile_java_regex(_text(pattern))
    except JavaRegexError as exc:
        raise JavaException("PatternSyntaxException", str(exc)) from exc


# -- UTF-16 indexing -----------------------------------------------------------------------


def _surrogate_pair(match: re.Match[str]) -> str:
    code = ord(match.group()) - 0x10000
    return chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF))


def _units(text: str) -> str:
    """``text`` with astral characters split into surrogate pairs, so indexes are Java's."""
    return _ASTRAL.sub(_surrogate_pair, text) if _ASTRAL.search(text) else text


def _from_units(units: str) -> str:
    """Join surrogate pairs back into characters (a lone surrogate stays, as in Java)."""
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _out_of_bounds(detail: str) -> JavaException:
    return JavaException("StringIndexOutOfBoundsException", detail)


# -- java.lang.String ----------------------------------------------------------------------


def _substring(self: str, begin: Any, end: Any = None) -> str:
    units = _units(self)
    begin = _int(begin)
    stop = len(units) if end is None else _int(end)
    if begin < 0 or stop > len(units) or begin > stop:
        raise _out_of_bounds(f"begin {begin}, end {stop}, length {len(units)}")
    return _from_units(units[begin:stop])


def _unit_at(self: str, index: Any) -> str:
    units = _units(self)
    position = _int(index)
    if not 0 <= position < len(units):
        raise _out_of_bounds(f"index {position}, length {len(units)}")
    return units[position]


def _code_point_at(self: str, index: Any) -> int:
    units = _units(self)
    high = ord(_unit_at(self, index))
    following = units[index + 1 : index + 2]
    if 0xD800 <= high < 0xDC00 and following and 0xDC00 <= ord(following) < 0xE000:
        return 0x10000 + ((high - 0xD800) << 10) + (ord(following) - 0xDC00)
    return high


def _index_of(self: str, needle: Any, start: Any = 0) -> int:
    return _units(self).find(_units(_text(needle)), max(0, _int(start)))


def _last_index_of(self: str, needle: Any, start: Any = None) -> int:
    """The last match starting at or before ``start``: the first match in the reversed text
    (``str.rfind`` takes time quadratic in the text for some needles, ``find`` linear)."""
    units = _units(self)
    found = _units(_text(needle))
    end = len(units) if start is None else _int(start) + len(found)  # where a match may end
    if end < len(found):
        return -1
    index = units[::-1].find(found[::-1], max(len(units) - end, 0))
    return -1 if index < 0 else len(units) - index - len(found)


def _starts_with(self: str, prefix: Any, offset: Any = 0) -> bool:
    offset = _int(offset)
    return offset >= 0 and _units(self).startswith(_units(_text(prefix)), offset)


def _compare_to(self: str, other: Any) -> int:
    left, right = _units(self), _units(_text(other))
    for left_char, right_char in zip(left, right, strict=False):
        if left_char != right_char:
            return ord(left_char) - ord(right_char)
    return len(left) - len(right)


def _hash_code(self: str) -> int:
    value = 0
    for unit in _units(self):
        value = (31 * value + ord(unit)) & 0xFFFFFFFF
    return value - 2**32 if value > _INT_MAX else value


def _equals_ignore_case(self: str, other: Any) -> bool:
    if other is None:
        return False
    if not isinstance(other, str):
        raise NoSuchMethod
    return self.lower() == other.lower()


def _bounded(size: int) -> None:
    """Refuse a string before building it (a replace can square a string's length)."""
    if size > MAX_OUTPUT_CHARS:
        raise LimitReached(f"a string of more than {MAX_OUTPUT_CHARS:,} characters")


def _replace(self: str, target: Any, replacement: Any) -> str:
    old = target if type(target) is str else _text(target)  # the usual case, without a call
    new = replacement if type(replacement) is str else _text(replacement)
    if len(new) > len(old):
        _bounded(len(self) + self.count(old) * (len(new) - len(old)) if old else len(self) * (len(new) + 1))
    return self.replace(old, new)


def _regex_replace(self: str, pattern: Any, replacement: Any, count: int) -> str:
    expand = java_replacement(_text(replacement))
    size = len(self)

    def bounded_expand(match: re.Match[str]) -> str:
        nonlocal size
        text = expand(match)
        size += len(text) - (match.end() - match.start())
        _bounded(size)
        return text

    try:
        return _regex(pattern).sub(bounded_expand, self, count=count)
    except JavaRegexError as exc:
        raise JavaException("IllegalArgumentException", str(exc)) from exc


def _replace_all(self: str, pattern: Any, replacement: Any) -> str:
    return _regex_replace(self, pattern, replacement, 0)


def _replace_first(self: str, pattern: Any, replacement: Any) -> str:
    return _regex_replace(self, pattern, replacement, 1)


def _concat(self: str, other: Any) -> str:
    text = _text(other)
    _bounded(len(self) + len(text))
    return self + text


def _split(self: str, pattern: Any, limit: Any = 0) -> JavaArray:
    _regex(pattern)
    return JavaArray(java_split(self, pattern, _int(limit)))


def _equals(self: Any, other: Any) -> bool:
    return java_equals(self, other)


STRING_METHODS: dict[str, Method] = {
    "length": lambda self: len(_units(self)),
    "isEmpty": lambda self: self == "",
    "charAt": lambda self, index: JavaChar(_unit_at(self, index)),
    "codePointAt": _code_point_at,
    "equals": _equals,
    "equalsIgnoreCase": _equals_ignore_case,
    "compareTo": _compare_to,
    "compareToIgnoreCase": lambda self, other: _compare_to(self.lower(), _text(other).lower()),
    "contains": lambda self, needle: _text(needle) in self,
    "startsWith": _starts_with,
    "endsWith": lambda self, suffix: self.endswith(_text(suffix)),
    "indexOf": _index_of,
    "lastIndexOf": _last_index_of,
    "substring": _substring,
    "subSequence": _substring,
    "concat": _concat,
    "replace": _replace,
    "replaceAll": _replace_all,
    "replaceFirst": _replace_first,
    "matches": lambda self, pattern: _regex(pattern).fullmatch(self) is not None,
    "split": _split,
    "toLowerCase": lambda self: self.lower(),
    "toUpperCase": lambda self: self.upper(),
    "trim": lambda self: self.strip(_TRIMMED),
    "toString": lambda self: self,
    "hashCode": _hash_code,
    "intern": lambda self: self,
}

# -- java.util.List (ArrayList, json-smart's JSONArray) ------------------------------------


def _size(self: list[Any] | dict[Any, Any]) -> int:
    return len(self)


def _unsupported(self: Any, item: Any) -> None:
    raise JavaException("UnsupportedOperationException", "a map's keySet/values/entrySet view cannot grow")


#: A map's key, value and entry views (``java.util.Set``/``Collection``).
COLLECTION_METHODS: dict[str, Method] = {
    "size": _size,
    "isEmpty": lambda self: not self,
    "contains": lambda self, item: _contains(self, item),
    "containsAll": lambda self, items: isinstance(items, list) and all(_contains(self, item) for item in items),
    "add": _unsupported,
    "addAll": _unsupported,
    "equals": lambda self, other: java_equals(self, other),
    "toString": to_java_string,
}


def list_position(items: list[Any], index: Any, *, from_end: bool = False, allow_end: bool = False) -> int:
    """The position ``index`` names in ``items``; ``from_end`` lets a negative index count
    from the end (Velocity's ``$list[-1]``), ``allow_end`` accepts ``len`` (for inserting)."""
    position = _int(index)
    if from_end and position < 0:
        position += len(items)
    if not 0 <= position < len(items) + (1 if allow_end else 0):
        raise JavaException("IndexOutOfBoundsException", f"Index {index} out of bounds for length {len(items)}")
    return position


def _list_get(self: list[Any], index: Any) -> Any:
    return self[list_position(self, index)]


_ABSENT = object()


def _list_add(self: list[Any], first: Any, second: Any = _ABSENT) -> Any:
    if second is _ABSENT:  # add(E) appends; add(int, E) inserts
        self.append(first)
        return True
    self.insert(list_position(self, first, allow_end=True), second)
    return None


def _list_add_all(self: list[Any], items: Any) -> bool:
    if not isinstance(items, list):
        raise NoSuchMethod
    if len(self) + len(items) > MAX_COLLECTION_ITEMS:
        raise LimitReached(f"a list or map of more than {MAX_COLLECTION_ITEMS:,} items")
    self.extend(items)
    return bool(items)


def _list_remove(self: list[Any], item: Any) -> Any:
    if type(item) is int:  # remove(int index) is the closer overload for an Integer
        return self.pop(list_position(self, item))
    for position, candidate in enumerate(self):
        if java_equals(candidate, item):
            del self[position]
            return True
    return False


def _list_set(self: list[Any], index: Any, item: Any) -> Any:
    position = list_position(self, index)
    previous = self[position]
    self[position] = item
    return previous


def _list_index_of(self: list[Any], item: Any) -> int:
    return next((position for position, candidate in enumerate(self) if java_equals(candidate, item)), -1)


def _list_sub_list(self: list[Any], begin: Any, end: Any) -> list[Any]:
    begin, end = _int(begin), _int(end)
    if begin < 0 or end > len(self) or begin > end:
        raise JavaException("IndexOutOfBoundsException", f"fromIndex {begin}, toIndex {end}, size {len(self)}")
    return ArrayList(self[begin:end])


def _contains(self: list[Any], item: Any) -> bool:
    return any(java_equals(candidate, item) for candidate in self)


LIST_METHODS: dict[str, Method] = {
    "size": _size,
    "isEmpty": lambda self: not self,
    "get": _list_get,
    "contains": _contains,
    "containsAll": lambda self, items: isinstance(items, list) and all(_contains(self, item) for item in items),
    "indexOf": _list_index_of,
    "lastIndexOf": lambda self, item: next(
        (len(self) - 1 - back for back, candidate in enumerate(reversed(self)) if java_equals(candidate, item)), -1
    ),
    "add": _list_add,
    "addAll": _list_add_all,
    "remove": _list_remove,
    "set": _list_set,
    "clear": lambda self: self.clear(),
    "subList": _list_sub_list,
    "equals": _equals,
    "toString": to_java_string,
}

#: Velocity wraps a Java array so templates can size, index and iterate it.
ARRAY_METHODS: dict[str, Method] = {
    name: LIST_METHODS[name] for name in ("size", "isEmpty", "get", "contains", "equals", "toString")
}

# -- java.util.Map (LinkedHashMap) ---------------------------------------------------------


def _map_put(self: dict[Any, Any], key: Any, value: Any) -> Any:
    previous = self.get(map_key(key))
    self[key] = value
    return previous


def _map_put_all(self: dict[Any, Any], other: Any) -> None:
    if not isinstance(other, dict):
        raise NoSuchMethod
    for key, value in other.items():
        self[key] = value


def _map_put_if_absent(self: dict[Any, Any], key: Any, value: Any) -> Any:
    previous = self.get(map_key(key))
    if previous is None:
        self[key] = value
    return previous


MAP_METHODS: dict[str, Method] = {
    "size": _size,
    "isEmpty": lambda self: not self,
    "get": lambda self, key: self.get(map_key(key)),
    "getOrDefault": lambda self, key, default: self.get(map_key(key), default),
    "containsKey": lambda self, key: map_key(key) in self,
    "containsValue": lambda self, value: any(java_equals(item, value) for item in self.values()),
    "put": _map_put,
    "putAll": _map_put_all,
    "putIfAbsent": _map_put_if_absent,
    "remove": lambda self, key: self.pop(map_key(key), None),
    "clear": lambda self: self.clear(),
    "keySet": lambda self: JavaCollection(self.keys()),
    "values": lambda self: JavaCollection(self.values()),
    "entrySet": lambda self: JavaCollection(MapEntry(key, value) for key, value in self.items()),
    "equals": _equals,
    "toString": to_java_string,
}

ENTRY_METHODS: dict[str, Method] = {
    "getKey": lambda self: self.key,
    "getValue": lambda self: self.value,
    "equals": _equals,
    "toString": to_java_string,
}

# -- java.lang.Integer / Long / Double, java.lang.Boolean -----------------------------------


def java_int_value(self: int | float) -> int:
    """``intValue()``: a long wraps to 32 bits; a double truncates and saturates (NaN is 0)."""
    if isinstance(self, float):
        if math.isnan(self):
            return 0
        return _INT_MAX if self >= _INT_MAX else _INT_MIN if self <= _INT_MIN else int(self)
    whole = self & 0xFFFFFFFF
    return whole - 2**32 if whole > _INT_MAX else whole


def _long_value(self: int | float) -> int:
    """``longValue()``: a double truncates and saturates to 64 bits (NaN is 0)."""
    if isinstance(self, float):
        if math.isnan(self):
            return 0
        return _LONG_MAX if self >= _LONG_MAX else _LONG_MIN if self <= _LONG_MIN else int(self)
    return self


def _number_hash(self: int | float) -> int:
    """Java's ``hashCode`` of an Integer (itself), a Long (high bits folded in) or a Double."""
    if isinstance(self, float):
        bits = int.from_bytes(struct.pack(">d", self), "big")
    elif _INT_MIN <= self <= _INT_MAX:
        return self
    else:
        bits = self & 0xFFFFFFFFFFFFFFFF
    return java_int_value((bits ^ (bits >> 32)) & 0xFFFFFFFF)


def _compare_numbers(self: int | float, other: Any) -> int:
    if not is_number(other) or type(other) is not type(self):
        raise NoSuchMethod
    return int(self > other) - int(self < other)


NUMBER_METHODS: dict[str, Method] = {
    "intValue": java_int_value,
    "longValue": _long_value,
    "doubleValue": lambda self: float(self),
    "compareTo": _compare_numbers,
    "equals": _equals,
    "hashCode": _number_hash,
    "toString": to_java_string,
}


def _compare_booleans(self: bool, other: Any) -> int:
    if not isinstance(other, bool):
        raise NoSuchMethod
    return 0 if self == other else 1 if self else -1


BOOLEAN_METHODS: dict[str, Method] = {
    "booleanValue": lambda self: self,
    "compareTo": _compare_booleans,
    "equals": _equals,
    "hashCode": lambda self: 1231 if self else 1237,
    "toString": to_java_string,
}


def _compare_chars(self: JavaChar, other: Any) -> int:
    if not isinstance(other, JavaChar):
        raise NoSuchMethod
    return ord(self.char) - ord(other.char)


CHAR_METHODS: dict[str, Method] = {
    "charValue": lambda self: self,
    "compareTo": _compare_chars,
    "equals": lambda self, other: self == other,
    "hashCode": lambda self: ord(self.char),
    "toString": lambda self: self.char,
}


def arity(method: Method) -> tuple[int, int]:
    """The least and most arguments a table entry accepts, besides ``self``, read off its
    code object (``inspect.signature`` costs milliseconds on every start of the command):
    table entries are Python functions with positional parameters only."""
    code = getattr(method, "__code__", None)
    if code is None or code.co_flags & (_CO_VARARGS | _CO_VARKEYWORDS) or code.co_kwonlyargcount:
        raise TypeError(f"{method!r}: a method table entry takes positional parameters only")
    count = code.co_argcount - 1
    return count - len(getattr(method, "__defaults__", None) or ()), count


#: ``inspect.CO_VARARGS`` and ``inspect.CO_VARKEYWORDS``, without importing inspect.
_CO_VARARGS, _CO_VARKEYWORDS = 0x04, 0x08
