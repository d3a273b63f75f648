"""JSON to a SOAP envelope (``apigw soap to-xml``), with the conventions of
:mod:`apigw_cli.soap.envelope`. lxml writes the XML, so every value is escaped as XML
requires; characters XML cannot carry at all are dropped, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from apigw_cli.errors import InputError
from apigw_cli.soap.envelope import (
    XSI,
    ElementDecl,
    EnvelopeOptions,
    check_json,
    check_name,
    element_namespace,
    envelope_namespaces,
    fits_type,
    layout,
    lexical,
    namespace_declarations,
    xml_text,
)
from apigw_cli.vtl.limits import MAX_FOREACH_ITERATIONS

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
#: The namespace of the ``xml:`` prefix (``xml:lang``), always in scope.
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"


@dataclass
class Conversion:
    xml: str
    #: What the conversion changed or doubts (``$.name: dropped 1 character...``).
    warnings: list[str] = field(default_factory=list)


def to_xml(document: Any, options: EnvelopeOptions, schema: ElementDecl | None = None) -> Conversion:
    """``document`` (a JSON object: the operation's content) in a SOAP envelope."""
    if not isinstance(document, dict):
        raise InputError("the JSON must be an object: its keys become the elements of the operation")
    check_json(document, "$")
    envelope_ns = options.version.namespace
    namespaces = envelope_namespaces(options, schema)
    envelope = etree.Element(f"{{{envelope_ns}}}Envelope", nsmap=namespaces)
    body = etree.SubElement(envelope, f"{{{envelope_ns}}}Body")
    writer = _Writer(options, frozenset(namespaces))
    scope = {**namespaces, "xml": XML_NAMESPACE}
    writer.element(body, options.operation, document, schema, "$", scope)
    text = etree.tostring(envelope, encoding="unicode", pretty_print=not options.compact)
    return Conversion(XML_DECLARATION + text, writer.warnings)


class _Writer:
    def __init__(self, options: EnvelopeOptions, reserved: frozenset[str]) -> None:
        self.options = options
        #: The envelope's prefixes, which the JSON may not declare again.
        self.reserved = reserved
        self.warnings: list[str] = []

    def element(
        self,
        parent: etree._Element,
        key: str,
        value: Any,
        decl: ElementDecl | None,
        where: str,
        scope: dict[str, str],
    ) -> etree._Element:
        declarations = namespace_declarations(value, where, self.reserved)
        scope = {**scope, **declarations}
        nsmap = {prefix or None: uri for prefix, uri in declarations.items()}
        element = etree.SubElement(parent, self.tag(key, decl, scope, where), nsmap=nsmap)  # type: ignore[arg-type]
        self.fill(element, value, decl, where, scope)
        return element

    def tag(self, key: str, decl: ElementDecl | None, scope: dict[str, str], where: str) -> str:
        namespace, local, _ = element_namespace(key, decl, self.options, scope, where)
        return f"{{{namespace}}}{local}" if namespace else local

    def fill(
        self, element: etree._Element, value: Any, decl: ElementDecl | None, where: str, scope: dict[str, str]
    ) -> None:
        if value is None:
            if decl is not None and not decl.nillable:
                self.warnings.append(f"{where}: null written as xsi:nil, but the schema does not make it nillable")
            element.set(f"{{{XSI}}}nil", "true")
        elif isinstance(value, dict):
            self.object(element, value, decl, where, scope)
        elif isinstance(value, list):
            raise InputError(f"{where}: an array inside an array has no XML form; put the inner one in an object")
        else:
            element.text = self.text(value, where)
            if decl is not None and decl.type is not None and not fits_type(element.text, decl.type):
                self.warnings.append(f"{where}: {element.text!r} is not an xs:{decl.type}, as the schema wants")

    def object(self, element: etree._Element, value: dict[str, Any], decl: ElementDecl | None, where: str,
               scope: dict[str, str]) -> None:  # fmt: skip
        plan = layout(value, decl, where, self.warnings)
        for key, name in plan.attributes:
            item = value[key]
            if item is None:
                continue  # an attribute cannot be nil: a null one is left out
            if isinstance(item, dict | list):
                raise InputError(f"{where}.{key}: an attribute holds text, not {type(item).__name__}")
            prefix, local = check_name(name, f"{where}.{key}")
            attribute = f"{{{_namespace(prefix, scope, where)}}}{local}" if prefix else local
            element.set(attribute, self.text(item, f"{where}.{key}"))
        if plan.text_key is not None:
            item = value[plan.text_key]
            if isinstance(item, dict | list):
                raise InputError(f"{where}.#text: an element's text is a scalar")
            if item is not None:
                element.text = self.text(item, f"{where}.#text")
        for key, _, child_decl in plan.children:
            item = value[key]
            if isinstance(item, list):
                if len(item) > MAX_FOREACH_ITERATIONS:
                    self.warnings.append(
                        f"{where}.{key}: {len(item):,} items; in API Gateway the template's #foreach stops "
                        f"after {MAX_FOREACH_ITERATIONS:,}"
                    )
                for index, entry in enumerate(item):
                    self.element(element, key, entry, child_decl, f"{where}.{key}[{index}]", scope)
            else:
                self.element(element, key, item, child_decl, f"{where}.{key}", scope)
        if len(element) == 0 and element.text is None:
            element.text = ""  # <a></a>, as the generated template writes an object with no content

    def text(self, value: Any, where: str) -> str:
        text, dropped = xml_text(lexical(value))
        if dropped:
            self.warnings.append(f"{where}: dropped {dropped} character(s) XML 1.0 cannot carry")
        return text


def _namespace(prefix: str, scope: dict[str, str], where: str) -> str:
    if not scope.get(prefix):
        raise InputError(f'{where}: prefix {prefix!r} is not declared; add "@xmlns:{prefix}": "URI"')
    return scope[prefix]
