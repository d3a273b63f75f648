"""``$util``: API Gateway's helper functions, with their Java output byte for byte (spec §6.5).

>>> util = Util()
>>> util.escape_javascript('It\\'s "/é"\\n')
'It\\\\\\'s \\\\"\\\\/\\\\u00E9\\\\"\\\\n'
>>> util.url_encode("a b&c=d/é~*"), util.url_decode("a+b%26c")
('a+b%26c%3Dd%2F%C3%A9%7E*', 'a b&c')
>>> util.base64_encode("hello é"), util.base64_decode("aGVsbG8gw6k=")
('aGVsbG8gw6k=', 'hello é')
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, ClassVar

from apigw_cli.vtl.methods import JavaException, NoSuchMethod
from apigw_cli.vtl.sandbox import TemplateObject
from apigw_cli.vtl.values import parse_json_text

_URL_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*_")
_JS_ESCAPES = {
    "'": "\\'", '"': '\\"', "\\": "\\\\", "/": "\\/",
    "\b": "\\b", "\n": "\\n", "\t": "\\t", "\f": "\\f", "\r": "\\r",
}  # fmt: skip
#: The characters escapeJavaScript changes; each as :func:`_escape_char` writes it.
_JS_SPECIAL = re.compile("[^ !#-&(-.0-\\[\\]-~]")
#: The control characters, as a translation table (a dict lookup per character of the text:
#: used only when the text has one); ``str.replace`` escapes the usual ones, a scan in C each.
_JS_CONTROL = {code: _JS_ESCAPES.get(chr(code)) or f"\\u{code:04X}" for code in range(0x20)}
_HAS_CONTROL = re.compile("[\x00-\x1f]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_PERCENT_RUN = re.compile(r"(?:%[0-9a-fA-F]{2})+")


def _string_or_null(value: Any) -> str | None:
    """A ``String`` parameter: null passes through; other types match no overload."""
    if value is None or isinstance(value, str):
        return value
    raise NoSuchMethod


def _decode_percent_run(match: re.Match[str]) -> str:
    """Consecutive ``%XX`` bytes decode together as UTF-8, as ``URLDecoder`` does."""
    return bytes.fromhex(match.group().replace("%", "")).decode("utf-8", errors="replace")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    escaped = _JS_ESCAPES.get(char)
    if escaped is not None:
        return escaped
    code = ord(char)
    if code == 0x7F:
        return char
    if code > 0xFFFF:  # Java strings hold astral characters as two UTF-16 units
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}"
    return f"\\u{code:04X}"


class Util(TemplateObject):
    """``$util``. VTL names keep API Gateway's spelling (``vtl_methods``), do not rename."""

    __slots__ = ()
    java_class_name = "Util"
    vtl_methods: ClassVar[dict[str, str]] = {
        "escapeJavaScript": "escape_javascript",
        "parseJson": "parse_json",
        "urlEncode": "url_encode",
        "urlDecode": "url_decode",
        "base64Encode": "base64_encode",
        "base64Decode": "base64_decode",
    }

    def escape_javascript(self, value: Any) -> str | None:
        """Apache Commons Lang 2.6 ``StringEscapeUtils.escapeJavaScript``: quotes, backslash
        and ``/`` escaped, control and non-ASCII characters as upper-case ``\\uXXXX``."""
        text = value if type(value) is str else _string_or_null(value)  # the usual case, without a call
        if text is None or _JS_SPECIAL.search(text) is None:
            return text
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'").replace("/", "\\/")
        escaped = escaped.replace("\n", "\\n")
        if _HAS_CONTROL.search(escaped) is not None:
            escaped = escaped.translate(_JS_CONTROL)
        return escaped if escaped.isascii() else _NON_ASCII.sub(_escape_char, escaped)

    def parse_json(self, value: Any) -> Any:
        text = _string_or_null(value)
        if text is None:
            return None
        try:
            return parse_json_text(text)  # arrays are JSONArrays as parsed
        except RecursionError:
            raise JavaException("JsonParseException", "$util.parseJson: the text nests too deeply") from None
        except ValueError as exc:
            raise JavaException("JsonParseException", f"$util.parseJson: invalid JSON: {exc}") from exc

    def url_encode(self, value: Any) -> str | None:
        """``java.net.URLEncoder.encode(s, "UTF-8")``: space is ``+``, ``.-*_`` kept."""
        text = _string_or_null(value)
        if text is None:
            return None
        encoded = text.encode("utf-8", errors="replace")
        return "".join(chr(byte) if byte in _URL_SAFE else "+" if byte == 0x20 else f"%{byte:02X}" for byte in encoded)

    def url_decode(self, value: Any) -> str | None:
        """``java.net.URLDecoder.decode(s, "UTF-8")``; a malformed ``%`` escape is an error."""
        text = _string_or_null(value)
        if text is None:
            return None
        if re.search(r"%(?![0-9a-fA-F]{2})", text):
            raise JavaException("IllegalArgumentException", f"URLDecoder: incomplete or illegal escape in {text!r}")
        return _PERCENT_RUN.sub(_decode_percent_run, text.replace("+", " "))

    def base64_encode(self, value: Any) -> str | None:
        text = _string_or_null(value)
        return None if text is None else base64.b64encode(text.encode("utf-8")).decode("ascii")

    def base64_decode(self, value: Any) -> str | None:
        text = _string_or_null(value)
        if text is None:
            return None
        if len(text.rstrip("=")) % 4 == 1:
            raise JavaException("IllegalArgumentException", "$util.base64Decode: the input has a dangling character")
        try:
            # Java's decoder accepts missing '=' padding; Python's needs it.
            padded = text + "=" * (-len(text) % 4)
            return base64.b64decode(padded, validate=True).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError) as exc:
            raise JavaException("IllegalArgumentException", f"$util.base64Decode: {exc}") from exc
