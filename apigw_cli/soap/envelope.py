"""What a SOAP envelope is made of, shared by the converter, the reader and the template
generator: the two SOAP versions, the JSON-to-XML conventions, and the lexical form of
values. No lxml here: the template generator needs none.

Conventions (the README documents them): an object's keys are child elements, in order; an
array is the element repeated; ``null`` is ``xsi:nil="true"``; a key ``@name`` is an
attribute, ``#text`` the element's own text, ``@xmlns:p`` declares prefix ``p`` for names
written ``p:name``. Keys without a prefix are in the operation's namespace (or in none,
when a schema says its elements are unqualified).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from apigw_cli.errors import InputError
from apigw_cli.vtl.values import to_java_string

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
#: The envelope's own prefix, the same for both versions.
ENVELOPE_PREFIX = "soap"


@dataclass(frozen=True)
class SoapVersion:
    name: str
    namespace: str

    def content_type(self, action: str | None) -> str:
        """The HTTP ``Content-Type``: SOAP 1.2 carries the action in it, 1.1 in ``SOAPAction``."""
        if self.name == "1.1":
            return "text/xml; charset=utf-8"
        return "application/soap+xml; charset=utf-8" + (f'; action="{action}"' if action else "")


SOAP_11 = SoapVersion("1.1", "http://schemas.xmlsoap.org/soap/envelope/")
SOAP_12 = SoapVersion("1.2", "http://www.w3.org/2003/05/soap-envelope")
VERSIONS = {version.name: version for version in (SOAP_11, SOAP_12)}


@dataclass
class EnvelopeOptions:
    """How to wrap a JSON document in an envelope."""

    operation: str
    namespace: str
    version: SoapVersion = SOAP_11
    #: The prefix of the operation's namespace.
    prefix: str = "ns"
    #: ``SOAPAction`` (SOAP 1.1) or the ``action`` parameter (1.2); from a WSDL, or given.
    action: str | None = None
    #: Child elements qualified by the operation's namespace (XSD ``elementFormDefault``).
    qualified: bool = True
    compact: bool = False

    def __post_init__(self) -> None:
        check_name(self.operation, "the operation")
        if not NCNAME.fullmatch(self.prefix) or self.prefix in (ENVELOPE_PREFIX, "xsi", "xml", "xmlns"):
            raise InputError(f"--prefix {self.prefix!r}: expected an XML name other than soap, xsi, xml, xmlns")
        if not self.namespace:
            raise InputError("the operation's namespace is empty: a prefixed namespace needs a URI")
        check_namespace(self.namespace, "the operation's namespace")


@dataclass
class ElementDecl:
    """What a schema says of an element (from :mod:`apigw_cli.soap.wsdl`)."""

    name: str
    #: The element's namespace; ``""`` for an unqualified local element.
    namespace: str
    #: An XML Schema built-in type's local name (``int``, ``string``...), or ``None``.
    type: str | None = None
    #: Child elements in ``xs:sequence`` order; ``None`` for a simple type.
    children: list[ElementDecl] | None = None
    attributes: dict[str, str | None] = field(default_factory=dict)
    min_occurs: int = 1
    #: ``None`` for ``unbounded``.
    max_occurs: int | None = 1
    nillable: bool = False

    @property
    def repeats(self) -> bool:
        return self.max_occurs is None or self.max_occurs > 1

    def child(self, name: str) -> ElementDecl | None:
        return next((item for item in self.children or [] if item.name == name), None)


#: XML names (no colon), and ``prefix:name``: a letter or ``_``, then letters, digits,
#: ``_``, ``-``, ``.`` (Unicode letters included, as XML allows).
NCNAME = re.compile(r"[^\W\d][\w.\-]*")
_QNAME = re.compile(rf"(?:({NCNAME.pattern}):)?({NCNAME.pattern})")
#: Characters XML 1.0 cannot carry at all, even escaped: most controls, lone surrogates,
#: U+FFFE and U+FFFF. The same class is what the generated template drops.
NOT_IN_XML = "[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uD800-\\uDFFF\\uFFFE\\uFFFF]"
_NOT_IN_XML = re.compile(NOT_IN_XML)


#: What XML parsers accept as a namespace URI (RFC 3986 characters, one ``#``, brackets only
#: around an IP host), so that what apigw writes always parses.
_URI_CHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})"
_NAMESPACE_URI = re.compile(rf"(?:{_URI_CHAR}|(?<=//)\[[0-9A-Fa-f:.]+\])*(?:#{_URI_CHAR}*)?")
#: Deepest JSON nesting the conversions accept (an envelope this deep is no real message).
MAX_JSON_DEPTH = 100


def check_namespace(uri: str, what: str) -> str:
    """``uri`` if XML accepts it as a namespace name, else :class:`InputError`."""
    if not _NAMESPACE_URI.fullmatch(uri):
        raise InputError(
            f"{what}: {uri!r} is not a namespace URI XML accepts (no spaces, quotes, <>, {{}}, |, \\ or second #; "
            "percent-encode other characters)"
        )
    return uri


def check_json(value: Any, where: str) -> None:
    """Refuse JSON (or YAML) the conversions cannot take: keys that are not text, nesting
    deeper than :data:`MAX_JSON_DEPTH`."""
    stack = [(value, where, 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InputError(f"{where}: the JSON nests deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise InputError(f"{path}: key {key!r} is not text")
                stack.append((child, f"{path}.{key}", depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{index}]", depth + 1) for index, child in enumerate(item))


def check_name(name: str, what: str) -> tuple[str | None, str]:
    """``(prefix, local)`` of an element or attribute name, or :class:`InputError`."""
    match = _QNAME.fullmatch(name)
    if match is None:
        raise InputError(f"{what}: {name!r} is not an XML name (letters, digits, '_', '-', '.'; no spaces)")
    return match.group(1), match.group(2)


def element_namespace(
    key: str, decl: ElementDecl | None, options: EnvelopeOptions, scope: dict[str, str], where: str
) -> tuple[str, str, str | None]:
    """``(namespace, local name, prefix written in the key)`` of an element: a prefix the
    JSON wrote, else a default namespace the JSON declared, else the schema's namespace, else
    the operation's (``""`` when unqualified)."""
    prefix, local = check_name(key, where)
    if prefix is not None:
        if not scope.get(prefix):
            raise InputError(f'{where}: prefix {prefix!r} is not declared; add "@xmlns:{prefix}": "URI"')
        return scope[prefix], local, prefix
    if "" in scope:
        return scope[""], local, None
    if where == "$":  # the operation itself
        return options.namespace, local, None
    if decl is not None:
        return decl.namespace, local, None
    return (options.namespace if options.qualified else ""), local, None


def schema_namespaces(decl: ElementDecl | None, seen: set[int] | None = None) -> list[str]:
    """Every namespace a schema's elements use, in order of appearance."""
    if decl is None:
        return []
    seen = seen if seen is not None else set()
    if id(decl) in seen:
        return []
    seen.add(id(decl))
    found = [decl.namespace] if decl.namespace else []
    for child in decl.children or []:
        found += [namespace for namespace in schema_namespaces(child, seen) if namespace not in found]
    return found


def envelope_namespaces(options: EnvelopeOptions, schema: ElementDecl | None = None) -> dict[str, str]:
    """The prefixes the envelope declares: its own, ``xsi``, the operation's, and one for each
    other namespace the schema uses (``ns1``, ``ns2``...)."""
    namespaces = {ENVELOPE_PREFIX: options.version.namespace, "xsi": XSI, options.prefix: options.namespace}
    for number, namespace in enumerate(
        [uri for uri in schema_namespaces(schema) if uri not in namespaces.values()], start=1
    ):
        namespaces[f"{options.prefix}{number}"] = namespace
    return namespaces


#: Lexical forms of the XML Schema types a value is checked against (others are not).
_LEXICAL = {
    "boolean": re.compile(r"true|false|1|0"),
    "integer": re.compile(r"[+-]?\d+"),
    "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "double": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN"),
}
_LEXICAL_OF = {
    **dict.fromkeys(("int", "long", "short", "byte", "integer", "unsignedInt", "unsignedLong", "unsignedShort",
                     "unsignedByte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                     "negativeInteger"), "integer"),
    "decimal": "decimal", "double": "double", "float": "double", "boolean": "boolean",
}  # fmt: skip


def fits_type(text: str, type_name: str) -> bool:
    """Whether ``text`` is in the lexical space of an XML Schema built-in type (only the
    numeric and boolean ones are checked).

    >>> fits_type("42", "int"), fits_type("4.2", "int"), fits_type("1.0E20", "double"), fits_type("yes", "boolean")
    (True, False, True, False)
    """
    pattern = _LEXICAL.get(_LEXICAL_OF.get(type_name, ""))
    return pattern is None or pattern.fullmatch(text.strip()) is not None


def xml_text(text: str) -> tuple[str, int]:
    """``text`` without the characters XML cannot carry, and how many were dropped."""
    cleaned, count = _NOT_IN_XML.subn("", text)
    return cleaned, count


def lexical(value: Any) -> str:
    """A JSON scalar as the text it becomes: as API Gateway's ``$input.path`` prints it (Java
    ``toString``: ``true``, ``42``, ``2.5``, ``1.0E20``), which is also its XML Schema
    lexical form, so the generated template and ``to-xml`` agree.

    >>> [lexical(v) for v in (True, 42, 2.5, 1e20, "a<b")]
    ['true', '42', '2.5', '1.0E20', 'a<b']
    """
    return value if isinstance(value, str) else to_java_string(value)


def namespace_declarations(value: Any, where: str, reserved: frozenset[str] = frozenset()) -> dict[str, str]:
    """An object's ``@xmlns:p`` (and ``@xmlns``) keys: prefix (``""`` for the default) → URI.
    ``reserved`` are the envelope's prefixes, which the JSON may not declare again."""
    if not isinstance(value, dict):
        return {}
    declarations = {}
    for key, uri in value.items():
        if key == "@xmlns" or key.startswith("@xmlns:"):
            prefix = key[7:]
            if not isinstance(uri, str):
                raise InputError(f"{where}.{key}: a namespace declaration needs the namespace URI as text")
            if key != "@xmlns" and (not NCNAME.fullmatch(prefix) or prefix in ("xml", "xmlns")):
                raise InputError(
                    f"{where}.{key}: {prefix!r} cannot be declared as a prefix (an XML name, not xml or xmlns)"
                )
            if prefix in reserved:
                raise InputError(f"{where}.{key}: prefix {prefix!r} is the envelope's own; choose another")
            if prefix and not uri:
                raise InputError(f"{where}.{key}: a prefix needs a namespace URI, not an empty one")
            if uri:
                check_namespace(uri, f"{where}.{key}")
            declarations[prefix] = uri
    return declarations


@dataclass
class ObjectLayout:
    """How an object's keys become XML: attributes, own text, child elements in order."""

    #: (JSON key, attribute name).
    attributes: list[tuple[str, str]]
    text_key: str | None
    #: (JSON key, element name, its schema declaration).
    children: list[tuple[str, str, ElementDecl | None]]


def layout(obj: dict[str, Any], decl: ElementDecl | None, where: str, warnings: list[str]) -> ObjectLayout:
    """Sort an object's keys into attributes, text and children; with a schema, children
    follow its sequence, and keys it does not allow are reported."""
    attributes: list[tuple[str, str]] = []
    text_key = None
    children: list[tuple[str, str, ElementDecl | None]] = []
    for key in obj:
        if key == "#text":
            text_key = key
        elif key == "@xmlns" or key.startswith("@xmlns:"):
            continue  # see namespace_declarations
        elif key.startswith("@"):
            check_name(key[1:], f"{where}.{key}")
            attributes.append((key, key[1:]))
        else:
            check_name(key, f"{where}.{key}")
            children.append((key, key, decl.child(key) if decl is not None else None))
    if decl is not None and decl.children is not None:
        order = {child.name: index for index, child in enumerate(decl.children)}
        unknown = [key for key, _, child in children if child is None]
        for key in unknown:
            warnings.append(f"{where}.{key}: the schema has no element {key!r} here; written after the others")
        children.sort(key=lambda item: order.get(item[0], len(order)))
        present = {key for key, _, _ in children}
        for child in decl.children:
            if child.min_occurs > 0 and child.name not in present:
                warnings.append(f"{where}: the schema requires element {child.name!r}, which the JSON does not give")
    return ObjectLayout(attributes, text_key, children)
