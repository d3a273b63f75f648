"""What a WSDL 1.1 (or a bare XSD) says about one operation (``--wsdl FILE``): its namespace,
SOAP version, SOAPAction and address, and the schema of its request and response elements
(element order from ``xs:sequence``, types, occurrences, attributes).

Schemas are read from the file and the local files its ``xs:import``/``xs:include`` name;
nothing is fetched from the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from apigw_cli.documents import read_bytes
from apigw_cli.errors import InputError
from apigw_cli.soap.envelope import SOAP_11, SOAP_12, XS, ElementDecl, SoapVersion, check_namespace
from apigw_cli.soap.xml import XmlError, parse_element

WSDL = "http://schemas.xmlsoap.org/wsdl/"
_BINDINGS = {"http://schemas.xmlsoap.org/wsdl/soap/": SOAP_11, "http://schemas.xmlsoap.org/wsdl/soap12/": SOAP_12}
#: Nested types deeper than this are left untyped (a recursive type would not end).
MAX_TYPE_DEPTH = 32


@dataclass
class ServiceOperation:
    """One operation of a service, as its WSDL describes it."""

    name: str
    namespace: str
    version: SoapVersion
    action: str | None
    #: The service's address (``soap:address``), if the WSDL gives one.
    address: str | None
    request: ElementDecl
    response: ElementDecl | None
    #: Whether child elements are namespace-qualified (``elementFormDefault``).
    qualified: bool
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Schema:
    target: str
    qualified: bool


@dataclass
class _Content:
    """A complex type's content, read once and shared by the elements of that type."""

    children: list[ElementDecl] = field(default_factory=list)
    attributes: dict[str, str | None] = field(default_factory=dict)
    #: Text with attributes (``simpleContent``), of this built-in type.
    simple: bool = False
    text_type: str | None = None
    #: False while the type is being read (a type met again then refers to itself).
    complete: bool = False


def read_service(path: str, operation: str) -> ServiceOperation:
    """The operation named ``operation`` in the WSDL (or XSD) at ``path``."""
    return _Reader(path).operation(operation)


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[str] = []
        self.root = self.load(path)
        self.seen_files = {Path(path).resolve()}
        self.schemas: dict[etree._Element, _Schema] = {}
        self.elements: dict[tuple[str, str], etree._Element] = {}
        self.types: dict[tuple[str, str], etree._Element] = {}
        self.complex_types: dict[etree._Element, _Content] = {}
        if self.root.tag == f"{{{XS}}}schema":
            self.add_schema(self.root, Path(path))
        else:
            for schema in self.root.iterfind(f"{{{WSDL}}}types/{{{XS}}}schema"):
                self.add_schema(schema, Path(path))

    def load(self, path: str) -> etree._Element:
        try:
            return parse_element(read_bytes(path, what="WSDL or XSD file"))
        except XmlError as exc:
            where = f"{path}:{exc.line}:{exc.column}" if exc.line else path
            raise InputError(f"{where}: not well-formed XML: {exc}") from None

    def add_schema(self, schema: etree._Element, origin: Path) -> None:
        info = _Schema(schema.get("targetNamespace") or "", schema.get("elementFormDefault") == "qualified")
        if info.target:
            check_namespace(info.target, f"{origin}: targetNamespace")
        self.schemas[schema] = info
        for child in schema:
            name = child.get("name")
            if child.tag == f"{{{XS}}}element" and name:
                self.elements[(info.target, name)] = child
            elif child.tag in (f"{{{XS}}}complexType", f"{{{XS}}}simpleType") and name:
                self.types[(info.target, name)] = child
            elif child.tag in (f"{{{XS}}}import", f"{{{XS}}}include") and child.get("schemaLocation"):
                self.add_file(str(child.get("schemaLocation")), origin)

    def add_file(self, location: str, origin: Path) -> None:
        if "://" in location:
            self.warnings.append(f"{location}: not read (apigw reads local schema files only)")
            return
        target = (origin.parent / location).resolve()
        if target in self.seen_files:
            return
        self.seen_files.add(target)
        root = self.load(str(target))
        if root.tag != f"{{{XS}}}schema":
            raise InputError(f"{target}: expected an XML Schema (xs:schema)")
        self.add_schema(root, target)

    # -- the operation --------------------------------------------------------------------

    def operation(self, name: str) -> ServiceOperation:
        if self.root.tag == f"{{{XS}}}schema":
            return self._schema_operation(name)
        version, action, address = SOAP_11, None, None
        port_operation = None
        for binding in self.root.iterfind(f"{{{WSDL}}}binding"):
            bound = next((item for item in binding.iterfind(f"{{{WSDL}}}operation") if item.get("name") == name), None)
            if bound is None:
                continue
            for child in bound:
                if etree.QName(child).localname == "operation" and etree.QName(child).namespace in _BINDINGS:
                    version = _BINDINGS[str(etree.QName(child).namespace)]
                    action = child.get("soapAction")
            address = self._address(binding.get("name") or "")
            port_operation = self._port_operation(binding, name)
            break
        declared = list(self.root.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation"))
        if port_operation is None:
            port_operation = next((item for item in declared if item.get("name") == name), None)
        if port_operation is None:
            names = sorted({str(item.get("name")) for item in declared})
            raise InputError(f"{self.path}: no operation {name!r}; it has: {', '.join(names) or 'none'}")
        request = self._message_element(port_operation, "input")
        if request is None:
            raise InputError(f"{self.path}: operation {name!r} has no input element (only document/literal is read)")
        response = self._message_element(port_operation, "output")
        qualified = self.schemas[self._schema_of(self.elements[(request.namespace, request.name)])].qualified
        return ServiceOperation(name, request.namespace, version, action, address, request, response, qualified,
                                self.warnings)  # fmt: skip

    def _schema_operation(self, name: str) -> ServiceOperation:
        """A bare XSD: the operation is the global element of that name."""
        node = next((node for (_, local), node in self.elements.items() if local == name), None)
        if node is None:
            names = ", ".join(sorted(local for _, local in self.elements))
            raise InputError(f"{self.path}: no global element {name!r}; it has: {names}")
        request = self.element(node, top=True)
        qualified = self.schemas[self._schema_of(node)].qualified
        return ServiceOperation(name, request.namespace, SOAP_11, None, None, request, None, qualified, self.warnings)

    def _address(self, binding_name: str) -> str | None:
        for port in self.root.iterfind(f"{{{WSDL}}}service/{{{WSDL}}}port"):
            if _local(port.get("binding") or "") == binding_name:
                for child in port:
                    if etree.QName(child).localname == "address" and child.get("location"):
                        return str(child.get("location"))
        return None

    def _port_operation(self, binding: etree._Element, name: str) -> etree._Element | None:
        port_type = _local(binding.get("type") or "")
        for candidate in self.root.iterfind(f"{{{WSDL}}}portType"):
            if candidate.get("name") == port_type:
                return next((op for op in candidate.iterfind(f"{{{WSDL}}}operation") if op.get("name") == name), None)
        return None

    def _message_element(self, operation: etree._Element, direction: str) -> ElementDecl | None:
        reference = operation.find(f"{{{WSDL}}}{direction}")
        if reference is None or not reference.get("message"):
            return None
        message_name = _local(str(reference.get("message")))
        message = next((m for m in self.root.iterfind(f"{{{WSDL}}}message") if m.get("name") == message_name), None)
        part = message.find(f"{{{WSDL}}}part") if message is not None else None
        if part is None or not part.get("element"):
            return None
        namespace, local = self._qname(part, str(part.get("element")))
        node = self.elements.get((namespace, local))
        if node is None:
            raise InputError(f"{self.path}: element {local!r} ({namespace}) is not in the WSDL's schemas")
        return self.element(node, top=True)

    # -- schema -----------------------------------------------------------------------------

    def element(self, node: etree._Element, *, top: bool = False, depth: int = 0) -> ElementDecl:
        occurs = _occurs(node)
        if node.get("ref"):
            namespace, local = self._qname(node, str(node.get("ref")))
            target = self.elements.get((namespace, local))
            if target is None:
                raise InputError(f"{self.path}: element ref {local!r} ({namespace}) is not defined")
            decl = self.element(target, top=True, depth=depth + 1)
            decl.min_occurs, decl.max_occurs = occurs
            return decl
        schema = self.schemas[self._schema_of(node)]
        qualified = top or node.get("form", "qualified" if schema.qualified else "unqualified") == "qualified"
        decl = ElementDecl(
            name=str(node.get("name")),
            namespace=schema.target if qualified else "",
            nillable=node.get("nillable") == "true",
        )
        decl.min_occurs, decl.max_occurs = occurs
        if depth > MAX_TYPE_DEPTH:
            return decl
        if node.get("type"):
            namespace, local = self._qname(node, str(node.get("type")))
            self._typed(decl, namespace, local, depth)
        else:
            inline = node.find(f"{{{XS}}}complexType")
            if inline is not None:
                self._complex(decl, inline, depth)
            simple = node.find(f"{{{XS}}}simpleType")
            if simple is not None:
                decl.type = self._simple_base(simple, depth)
        return decl

    def _typed(self, decl: ElementDecl, namespace: str, local: str, depth: int) -> None:
        if namespace == XS:
            decl.type = local
            return
        node = self.types.get((namespace, local))
        if node is None:
            self.warnings.append(f"type {local!r} ({namespace}) is not defined; {decl.name} is read as text")
        elif node.tag == f"{{{XS}}}complexType":
            self._complex(decl, node, depth)
        else:
            decl.type = self._simple_base(node, depth)

    def _simple_base(self, node: etree._Element, depth: int) -> str | None:
        restriction = node.find(f"{{{XS}}}restriction")
        if restriction is None or not restriction.get("base") or depth > MAX_TYPE_DEPTH:
            return None
        namespace, local = self._qname(restriction, str(restriction.get("base")))
        if namespace == XS:
            return local
        base = self.types.get((namespace, local))
        return self._simple_base(base, depth + 1) if base is not None else None

    def _complex(self, decl: ElementDecl, node: etree._Element, depth: int) -> None:
        """Give ``decl`` the content of complex type ``node``. Each type is read once and its
        children shared by every element of that type, so a recursive type is a cycle, not an
        endless (or exponential) tree."""
        content = self.complex_types.get(node)
        if content is None:
            content = self.complex_types[node] = _Content()
            self._fill(content, node, depth)
            content.complete = True
        decl.children = None if content.simple else content.children
        decl.attributes = content.attributes
        if content.simple:
            decl.type = content.text_type

    def _fill(self, content: _Content, node: etree._Element, depth: int) -> None:
        for child in node:
            kind = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if kind in ("sequence", "all", "choice"):
                self._group(content, child, depth, optional=kind == "choice")
            elif kind == "attribute" and child.get("name"):
                content.attributes[str(child.get("name"))] = _local(child.get("type") or "") or None
            elif kind in ("complexContent", "simpleContent"):
                derivation = next((item for item in child if isinstance(item.tag, str)), None)
                if derivation is None or not derivation.get("base"):
                    continue
                namespace, local = self._qname(derivation, str(derivation.get("base")))
                base = self.types.get((namespace, local))
                if base is not None and base.tag == f"{{{XS}}}complexType":
                    inherited = ElementDecl(local, namespace)
                    if self.complex_types.get(base, _Content(complete=True)).complete is False:
                        raise InputError(f"{self.path}: type {local!r} is derived from itself")
                    self._complex(inherited, base, depth + 1)
                    content.children.extend(inherited.children or [])
                    content.attributes.update(inherited.attributes)
                    content.simple = content.simple or inherited.children is None
                    content.text_type = content.text_type or inherited.type
                elif kind == "simpleContent":
                    content.text_type = (
                        local if namespace == XS else (self._simple_base(base, depth + 1) if base is not None else None)
                    )
                if kind == "simpleContent":
                    content.simple = True
                self._fill(content, derivation, depth + 1)

    def _group(self, content: _Content, node: etree._Element, depth: int, *, optional: bool) -> None:
        for child in node:
            kind = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if kind == "element":
                item = self.element(child, depth=depth + 1)
                if optional:
                    item.min_occurs = 0
                content.children.append(item)
            elif kind in ("sequence", "all", "choice"):
                self._group(content, child, depth, optional=optional or kind == "choice")

    def _schema_of(self, node: etree._Element) -> etree._Element:
        return next(ancestor for ancestor in node.iterancestors() if ancestor in self.schemas)

    def _qname(self, node: etree._Element, text: str) -> tuple[str, str]:
        """A QName in an attribute value, resolved by the node's namespace declarations (an
        unprefixed one by the default namespace, else no namespace)."""
        prefix, _, local = text.rpartition(":")
        namespace = node.nsmap.get(prefix or None)
        if namespace is None and prefix:
            raise InputError(f"{self.path}: prefix {prefix!r} of {text!r} is not declared")
        return str(namespace or ""), local


def _occurs(node: etree._Element) -> tuple[int, int | None]:
    maximum = node.get("maxOccurs", "1")
    try:
        return int(node.get("minOccurs", "1")), None if maximum == "unbounded" else int(maximum)
    except ValueError:
        return 1, 1


def _local(qname: str) -> str:
    return qname.rpartition(":")[2]
