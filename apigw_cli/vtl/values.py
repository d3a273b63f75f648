"""The Java values a template works with, and how API Gateway prints them (spec §6.7).

Templates see plain Python data standing in for Java objects:

=====================  ==========================================  ===========================
Java                   Python                                      printed
=====================  ==========================================  ===========================
null                   ``None``                                    empty (AWS), ``null`` inside
                                                                   a collection
Boolean                ``bool``                                    ``true`` / ``false``
Integer, Long          ``int``                                     ``42``
Double                 ``float``                                   ``Double.toString``: ``2.0``
String                 ``str``                                     as is
LinkedHashMap          ``dict`` (insertion order kept)             ``{a=1, b=x}``
ArrayList              :class:`ArrayList` (VTL literals, ranges)   ``[1, two, 3.5]``
json-smart JSONArray   ``list`` (arrays from JSON, as parsed)      compact JSON ``["x","y"]``
String[]               :class:`JavaArray` (``split``)              ``[Ljava.lang.String;@...``
Set/Collection view    :class:`JavaCollection` (``keySet()``...)  ``[a, b]``
Character              :class:`JavaChar` (``charAt``)              ``a``
Map.Entry              :class:`MapEntry`                           ``a=1``
=====================  ==========================================  ===========================
"""

from __future__ import annotations

import json
import math
import re
from _json import make_encoder
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

from apigw_cli.vtl.limits import MAX_OUTPUT_CHARS, LimitReached


class ArrayList(list[Any]):
    """A list a template made (a literal, a range, ``subList``): Java's ``ArrayList``, printed
    ``[a, b]``. A plain ``list`` is an array parsed from JSON: API Gateway's JSON reader
    (json-smart) returns ``JSONArray``, whose ``toString`` is compact JSON, even when it sits
    inside a map (spec §6.7, §12.2). So a parsed document is used as ``json.loads`` returns it."""

    __slots__ = ()


class JavaArray(list[Any]):
    """A Java array (what ``split`` returns). Velocity lets templates index, size and iterate it,
    but printing it shows only Java's type tag and identity hash, never the items."""

    __slots__ = ()


class NullPrintingMap(dict[Any, Any]):
    """A map API Gateway presents as null when printed whole, while its entries stay
    readable: ``$context.authorizer.claims`` (spec §6.2)."""

    __slots__ = ()


class JavaCollection(list[Any]):
    """A map's ``keySet()``, ``values()`` or ``entrySet()`` view: it prints and iterates like a
    list, but Java's Set/Collection has no ``get``, index or ``subList``."""

    __slots__ = ()


class JavaChar:
    """A ``java.lang.Character`` (what ``charAt`` returns): prints as the character, but it is
    not a String, so String methods and ``equals("a")`` do not apply to it."""

    __slots__ = ("char",)

    def __init__(self, char: str) -> None:
        self.char = char

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JavaChar) and other.char == self.char

    def __hash__(self) -> int:
        return hash(self.char)


class MapEntry:
    """A ``Map.Entry`` from ``$map.entrySet()``: ``$e.key``, ``$e.value``, prints ``key=value``."""

    __slots__ = ("key", "value")

    def __init__(self, key: Any, value: Any) -> None:
        self.key = key
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MapEntry) and (self.key, self.value) == (other.key, other.value)

    def __hash__(self) -> int:
        return hash(self.key)


class JavaObject:
    """Base of apigw's own template objects (``$input``, ``$util``): Java prints such an
    object as ``ClassName@hash``; we print a stable ``ClassName@apigw``."""

    __slots__ = ()

    #: The name Java would print for this object.
    java_class_name = "Object"


def to_output_text(value: Any) -> str:
    """What a ``$reference`` prints on API Gateway: a null prints as empty text (spec §6.1)."""
    if value is None or isinstance(value, NullPrintingMap):
        return ""
    if type(value) is str:
        return value
    return to_java_string(value)


def to_java_string(value: Any) -> str:
    """Java's ``String.valueOf(value)`` for the values templates hold.

    >>> to_java_string({"a": 1, "b": ArrayList([True, None]), "c": ["x", 2.5]})
    '{a=1, b=[true, null], c=["x",2.5]}'
    """
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double_to_string(value)
    if type(value) is list:
        return to_json_text(value)
    if isinstance(value, JavaArray):
        # Java prints an identity hash that changes every run; a fixed one keeps output stable.
        return "[Ljava.lang.String;@1b6d3586"
    if isinstance(value, list | tuple):
        # Java's collections print "(this Collection)" for themselves; deeper cycles overflow.
        items = ("(this Collection)" if item is value else to_java_string(item) for item in value)
        return "[" + _bounded_join(items) + "]"
    if isinstance(value, dict):
        entries = (f"{_entry_text(key, value)}={_entry_text(item, value)}" for key, item in value.items())
        return "{" + _bounded_join(entries) + "}"
    if isinstance(value, JavaChar):
        return value.char
    if isinstance(value, MapEntry):
        return f"{to_java_string(value.key)}={to_java_string(value.value)}"
    if isinstance(value, JavaObject):
        return f"{value.java_class_name}@apigw"
    return str(value)


def _bounded_join(texts: Iterator[str]) -> str:
    """``", ".join(texts)``, refused as soon as it would pass the longest string a render may
    make: a list holding one large string many times would otherwise print to gigabytes."""
    parts: list[str] = []
    size = 0
    for text in texts:
        size += len(text) + 2
        if size > MAX_OUTPUT_CHARS:
            raise LimitReached(f"a string of more than {MAX_OUTPUT_CHARS:,} characters")
        parts.append(text)
    return ", ".join(parts)


def _entry_text(item: Any, owner: dict[Any, Any]) -> str:
    return "(this Map)" if item is owner else to_java_string(item)


def java_double_to_string(value: float) -> str:
    """Java's ``Double.toString``: plain notation in [1e-3, 1e7), else ``d.dddE±n``.

    >>> [java_double_to_string(v) for v in (2.0, 0.05, 1e7, 1.5e-5, -0.0, 123456.789)]
    ['2.0', '0.05', '1.0E7', '1.5E-5', '-0.0', '123456.789']
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    # repr() gives the shortest digits that round-trip, as Java 19+ does: "1.5e-05", "0.05".
    mantissa, _, power = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    significant = (whole + fraction).lstrip("0")
    digits = significant.rstrip("0") or "0"
    # Position of the decimal point relative to the first digit: value = 0.DIGITS * 10**point.
    point = len(significant) + int(power or 0) - len(fraction)
    if 1e-3 <= abs(value) < 1e7:
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        whole = digits[:point].ljust(point, "0")
        fraction = digits[point:] or "0"
        return f"{sign}{whole}.{fraction}"
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{sign}{mantissa}E{point - 1}"


#: ``json.loads`` is this decoder's ``raw_decode`` behind a type check and two whitespace
#: matches: 0.9 us of a small template's render.
_RAW_DECODE = json.JSONDecoder().raw_decode


def parse_json_text(text: str) -> Any:
    """``json.loads(text)``: its value, or its error; ``raw_decode`` alone when the text is
    one value, maybe followed by space (the usual body).

    >>> parse_json_text('{"a": [1]}'), parse_json_text(' [2] ')
    ({'a': [1]}, [2])
    """
    try:
        value, end = _RAW_DECODE(text)
    except ValueError:
        return json.loads(text)  # its error, positioned as json.loads does (after leading space)
    if end == len(text) or not text[end:].strip(" \t\n\r"):  # JSON's space after the value
        return value
    return json.loads(text)  # its "Extra data" error


def to_json_text(value: Any) -> str:
    """Compact JSON as API Gateway's JSON library writes it (json-smart, as Jayway calls it):
    no spaces, doubles in Java notation, non-ASCII kept except the ranges json-simple
    escapes. The exact escaping of ``/`` is unconfirmed; we leave it as is.

    >>> to_json_text({"a": [1, 2.0, None, "x\\"y"], "b": {"c": True}})
    '{"a":[1,2.0,null,"x\\\\"y"],"b":{"c":true}}'
    """
    try:  # the C encoder, when its text is json-smart's (most payloads): checked below
        text = "".join(_encode_in_c(value, 0))
    except (TypeError, ValueError, RecursionError):
        text = None
    if text is not None and not _may_differ_from_json_smart(text):
        return text
    return json_smart_text(value)


def json_smart_text(value: Any) -> str:
    """:func:`to_json_text` written value by value, as json-smart does (the slow path)."""
    parts: list[str] = []
    _write_json(value, parts)
    return "".join(parts)


def _may_differ_from_json_smart(text: str) -> bool:
    """Whether Python's JSON text may differ from json-smart's: characters it does not escape
    or escapes in lower case, and doubles outside [1e-3, 1e7), which Java writes as
    ``d.dE±n``. A string that merely looks like one of these takes the slow path, with the
    same result. Each check is a scan in C that skips to a literal (one pattern with
    alternatives would try each at every character: 4 ms for 50 KB); a search for one
    character (``memchr``, 50x faster than for a string) first rules out most of them."""
    if text.isascii():
        if "\x7f" in text:
            return True
    elif _NOT_ESCAPED_BY_PYTHON.search(text) is not None:
        return True
    if "\\" in text and "\\u00" in text:
        return True
    if "." in text and ("0.000" in text or _EIGHT_DIGITS_BEFORE_POINT.search(text) is not None):
        return True
    return "e" in text and _EXPONENT.search(text) is not None


_NOT_ESCAPED_BY_PYTHON = re.compile("[\x7f-\x9f\u2000-\u20ff]")
_EXPONENT = re.compile(r"e[+-](?<=\de[+-])")
_EIGHT_DIGITS_BEFORE_POINT = re.compile(r"\.(?<=\d{8}\.)")


def _not_plain_json(value: Any) -> Any:
    raise TypeError


#: Python's C encoder, made once: ``json.dumps`` makes one per call, half of the time it takes
#: for a small value. Without a check for cycles: a map holding itself raises RecursionError,
#: as the slow path then does.
_encode_in_c = make_encoder(None, _not_plain_json, encode_basestring, None, ":", ",", False, False, True)


def _write_json(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(json_quote(value))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(java_double_to_string(value))
    elif isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                out.append(",")
            out.append(json_quote(to_java_string(key)))
            out.append(":")
            _write_json(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write_json(item, out)
        out.append("]")
    else:
        out.append(json_quote(to_java_string(value)))


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: What json-simple/json-smart escape: quotes, backslashes, control characters, and the
#: ranges U+007F-U+009F and U+2000-U+20FF as ``\\uXXXX``.
_JSON_SPECIAL = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2000-\u20ff]')


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    return _JSON_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def json_quote(text: str) -> str:
    """A JSON string literal, escaped as json-simple/json-smart do.

    >>> json_quote('a"b\\u2028c\\x01é')
    '"a\\\\"b\\\\u2028c\\\\u0001é"'
    """
    if _JSON_SPECIAL.search(text) is None:  # the usual case: nothing to escape
        return f'"{text}"'
    return f'"{_JSON_SPECIAL.sub(_json_escape, text)}"'


def to_json_safe(value: Any, _open: frozenset[int] = frozenset()) -> Any:
    """``value`` as data any JSON writer accepts, for reports (``--json``): keys become text,
    values JSON cannot hold print as Java would, and a container inside itself prints as
    Java's ``(this Map)``/``(this Collection)``.

    >>> to_json_safe({1: float("inf"), "l": [JavaChar("a"), None]})
    {'1': 'Infinity', 'l': ['a', None]}
    """
    if value is None or isinstance(value, bool | str) or (isinstance(value, int | float) and math.isfinite(value)):
        return value
    if isinstance(value, dict | list | tuple):
        if id(value) in _open:
            return "(this Map)" if isinstance(value, dict) else "(this Collection)"
        inner = _open | {id(value)}
        if isinstance(value, dict):
            return {to_java_string(key): to_json_safe(item, inner) for key, item in value.items()}
        return [to_json_safe(item, inner) for item in value]
    return to_java_string(value)
