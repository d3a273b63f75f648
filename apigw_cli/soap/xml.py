"""Hardened XML parsing into comparable trees, for ``apigw diff`` and the SOAP conversions.

The parser resolves no entities, loads no DTD and fetches nothing from the network, so a
hostile document (billion laughs, external entities) is refused or read literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree


class XmlError(ValueError):
    """Text that is not well-formed XML, with where the parser stopped when it knows."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class XmlNode:
    """An element as comparisons see it: names in Clark notation (``{uri}local``)."""

    tag: str
    #: The name as written in the document (``soap:Body``), for messages.
    display: str
    attributes: dict[str, str]
    text: str
    children: tuple[XmlNode, ...]


def looks_like_xml(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith("<")


def _parser(keep_blank_text: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=not keep_blank_text,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(text: str, *, keep_blank_text: bool = False) -> XmlNode:
    """Parse ``text``; whitespace-only text between elements is dropped unless asked."""
    return _node(parse_element(text, keep_blank_text=keep_blank_text))


def parse_element(text: str | bytes, *, keep_blank_text: bool = False) -> etree._Element:
    """Parse ``text`` with the hardened parser into lxml's tree (for :mod:`apigw_cli.soap`).
    Bytes are decoded as their XML declaration or byte-order mark says."""
    data = text.encode("utf-8", errors="replace") if isinstance(text, str) else text
    try:
        return etree.fromstring(data, _parser(keep_blank_text))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        raise XmlError(message, line, column) from None


def _node(element: etree._Element) -> XmlNode:
    local = etree.QName(element).localname
    display = f"{element.prefix}:{local}" if element.prefix else local
    # An entity the parser did not resolve stays in the text as written (&name;).
    text_parts = [element.text or ""] + [
        (child.text or "" if isinstance(child, etree._Entity) else "") + (child.tail or "") for child in element
    ]
    return XmlNode(
        tag=str(element.tag),
        display=display,
        attributes={str(key): str(value) for key, value in element.attrib.items()},
        text="".join(text_parts),
        children=tuple(_node(child) for child in element if isinstance(child.tag, str)),
    )
