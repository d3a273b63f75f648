"""A SOAP answer back to JSON (``apigw soap to-json``): the Body's payload, or its Fault.

The reverse of :mod:`apigw_cli.soap.convert`'s conventions: child elements become keys
(namespace prefixes dropped unless asked), repeated ones arrays, attributes ``@name``, text
beside children ``#text``, ``xsi:nil`` ``null``. Without a schema every value is text; with
one, numbers and booleans come back typed and elements that may repeat are always arrays.
Parsing is hardened (:mod:`apigw_cli.soap.xml`): no entities, no DTD, no network.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree

from apigw_cli.errors import InputError
from apigw_cli.soap.envelope import VERSIONS, XSI, ElementDecl, SoapVersion
from apigw_cli.soap.xml import XmlError, parse_element

#: XML Schema types that come back as numbers and booleans.
_INTEGERS = frozenset(
    {"int", "integer", "long", "short", "byte", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
     "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger"}
)  # fmt: skip
_DECIMALS = frozenset({"decimal", "double", "float"})


@dataclass
class SoapReading:
    version: SoapVersion
    #: The Body's payload as JSON (``None`` for an empty Body), or the Fault as JSON.
    document: Any
    is_fault: bool
    warnings: list[str] = field(default_factory=list)


def to_json(
    text: str | bytes, *, name: str = "<input>", keep_ns: bool = False, schema: ElementDecl | None = None
) -> SoapReading:
    """Read a SOAP envelope (``name`` is the file, for errors; bytes are decoded as the XML
    declares); XML that is not well-formed, or not an envelope, is an
    :class:`~apigw_cli.errors.InputError`."""
    try:
        root = parse_element(text)
    except XmlError as exc:
        where = f"{name}:{exc.line}:{exc.column}" if exc.line else name
        raise InputError(f"{where}: not well-formed XML: {exc}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None:  # any <!DOCTYPE>: its entities would otherwise vanish silently
        raise InputError(f"{name}: a SOAP message must not contain a document type declaration (<!DOCTYPE>)")
    qname = etree.QName(root)
    version = next((item for item in VERSIONS.values() if item.namespace == qname.namespace), None)
    if qname.localname != "Envelope" or version is None:
        raise InputError(f"{name}: not a SOAP envelope: the root element is {_display(root)}")
    body = root.find(f"{{{version.namespace}}}Body")
    if body is None:
        raise InputError(f"{name}: the SOAP envelope has no Body")
    reader = _Reader(keep_ns)
    payload = [child for child in body if isinstance(child.tag, str)]
    fault = next((child for child in payload if child.tag == f"{{{version.namespace}}}Fault"), None)
    if fault is not None:
        return SoapReading(version, {"fault": _fault(fault, version, reader)}, True, reader.warnings)
    if not payload:
        return SoapReading(version, None, False)
    if len(payload) == 1:
        return SoapReading(version, reader.value(payload[0], schema), False, reader.warnings)
    return SoapReading(version, reader.children(payload, schema), False, reader.warnings)


def _fault(fault: etree._Element, version: SoapVersion, reader: _Reader) -> dict[str, Any]:
    """A Fault as JSON: ``code``, ``string`` (1.1) or ``reason`` (1.2), ``detail``..."""
    ns = version.namespace
    if version.name == "1.1":  # faultcode, faultstring, faultactor, detail: unqualified
        result: dict[str, Any] = {
            "code": _text_of(fault.find("faultcode")),
            "string": _text_of(fault.find("faultstring")),
        }
        actor = fault.find("faultactor")
        if actor is not None:
            result["actor"] = _text_of(actor)
        detail = fault.find("detail")
    else:
        code = fault.find(f"{{{ns}}}Code")
        result = {"code": _text_of(code.find(f"{{{ns}}}Value")) if code is not None else None}
        subcodes = []
        subcode = code.find(f"{{{ns}}}Subcode") if code is not None else None
        while subcode is not None:
            subcodes.append(_text_of(subcode.find(f"{{{ns}}}Value")))
            subcode = subcode.find(f"{{{ns}}}Subcode")
        if subcodes:
            result["subcodes"] = subcodes
        reason = fault.find(f"{{{ns}}}Reason")
        result["reason"] = _text_of(reason.find(f"{{{ns}}}Text")) if reason is not None else None
        for name in ("Node", "Role"):
            element = fault.find(f"{{{ns}}}{name}")
            if element is not None:
                result[name.lower()] = _text_of(element)
        detail = fault.find(f"{{{ns}}}Detail")
    if detail is not None:
        children = [child for child in detail if isinstance(child.tag, str)]
        result["detail"] = reader.children(children, None) if children else _text_of(detail)
    return result


def _text_of(element: etree._Element | None) -> str | None:
    return None if element is None else "".join(str(part) for part in element.itertext())


def _display(element: etree._Element) -> str:
    local = etree.QName(element).localname
    return f"{element.prefix}:{local}" if element.prefix else local


class _Reader:
    def __init__(self, keep_ns: bool) -> None:
        self.keep_ns = keep_ns
        self.warnings: list[str] = []

    def name(self, element_or_attribute: etree._Element | str, prefix: str | None = None) -> str:
        if isinstance(element_or_attribute, str):
            local = etree.QName(element_or_attribute).localname
            return f"{prefix}:{local}" if self.keep_ns and prefix else local
        return _display(element_or_attribute) if self.keep_ns else etree.QName(element_or_attribute).localname

    def value(self, element: etree._Element, decl: ElementDecl | None) -> Any:
        if element.get(f"{{{XSI}}}nil") in ("true", "1"):
            return None
        attributes: dict[str, Any] = {}
        for key, value in element.attrib.items():
            if key == f"{{{XSI}}}nil":
                continue
            name = "@" + self.name(str(key), _prefix_of(element, str(key)))
            if name in attributes:
                self.warnings.append(
                    f"{_display(element)}: attributes {name} of two namespaces; the last kept (--keep-ns keeps both)"
                )
            attributes[name] = str(value)
        children = [child for child in element if isinstance(child.tag, str)]
        text = (element.text or "") + "".join(child.tail or "" for child in children)
        if not children and not attributes:
            return self.typed(text, decl)
        result: dict[str, Any] = dict(attributes)
        if text.strip() or not children:
            result["#text"] = self.typed(text, decl)
        result.update(self.children(children, decl))
        return result

    def children(self, children: list[etree._Element], decl: ElementDecl | None) -> dict[str, Any]:
        """Child elements as keys; repeated names (or names the schema says repeat) as arrays."""
        grouped: dict[str, list[Any]] = {}
        repeats: dict[str, bool] = {}
        for child in children:
            key = self.name(child)
            child_decl = decl.child(etree.QName(child).localname) if decl is not None else None
            grouped.setdefault(key, []).append(self.value(child, child_decl))
            repeats[key] = child_decl is not None and child_decl.repeats
        return {key: values if len(values) > 1 or repeats[key] else values[0] for key, values in grouped.items()}

    def typed(self, text: str, decl: ElementDecl | None) -> Any:
        kind = decl.type if decl is not None else None
        if kind is None or kind not in _INTEGERS | _DECIMALS | {"boolean"}:
            return text
        stripped = text.strip()
        if kind == "boolean" and stripped in ("true", "false", "1", "0"):
            return stripped in ("true", "1")
        if kind in _INTEGERS and re.fullmatch(r"[+-]?[0-9]{1,4000}", stripped):
            return int(stripped)
        exponent = "" if kind == "decimal" else "([eE][+-]?[0-9]+)?"
        if kind in _DECIMALS and re.fullmatch(rf"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+){exponent}", stripped):
            if kind == "decimal" and "." not in stripped:
                return int(stripped)
            number = float(stripped)
            if math.isfinite(number) and (kind != "decimal" or Decimal(repr(number)) == Decimal(stripped)):
                return number
            self.warnings.append(
                f"{decl.name if decl else '?'}: {stripped!r} has no exact JSON number (a double); kept as text"
            )
            return stripped
        self.warnings.append(f"{decl.name if decl else '?'}: {stripped!r} is not an xs:{kind}; kept as text")
        return text


def _prefix_of(element: etree._Element, attribute: str) -> str | None:
    namespace = etree.QName(attribute).namespace
    if namespace is None:
        return None
    return next((prefix for prefix, uri in element.nsmap.items() if uri == namespace and prefix), None)
