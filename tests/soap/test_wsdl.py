"""Reading an operation from a WSDL 1.1 or an XSD (--wsdl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apigw_cli.errors import InputError
from apigw_cli.soap.convert import to_xml
from apigw_cli.soap.envelope import EnvelopeOptions
from apigw_cli.soap.wsdl import read_service
from tests.helpers import ROOT

SOAP = ROOT / "samples" / "soap"


def test_the_sample_wsdl() -> None:
    service = read_service(str(SOAP / "pets.wsdl"), "CreatePet")
    assert (service.namespace, service.version.name, service.action, service.address, service.qualified) == (
        "urn:example:pets", "1.1", "urn:example:pets#CreatePet", "https://soap.example.com/pets", True,
    )  # fmt: skip
    children = [(c.name, c.type, c.min_occurs, c.max_occurs) for c in service.request.children or []]
    assert children == [("name", "string", 1, 1), ("species", "string", 1, 1), ("ageMonths", "int", 0, 1),
                        ("vaccinated", "boolean", 0, 1), ("tags", "string", 0, None), ("owner", None, 0, 1)]  # fmt: skip
    owner = service.request.child("owner")
    assert owner is not None and [c.name for c in owner.children or []] == ["id", "email"] and owner.nillable


def test_the_schema_orders_the_elements_and_reports_what_it_does_not_allow() -> None:
    service = read_service(str(SOAP / "pets.wsdl"), "CreatePet")
    options = EnvelopeOptions("CreatePet", service.namespace, action=service.action)
    result = to_xml(
        {"species": "dog", "colour": "brown", "name": "Rex", "ageMonths": "three"}, options, service.request
    )
    names = [line.strip().split(">")[0] for line in result.xml.splitlines() if line.strip().startswith("<ns:")]
    assert names[:4] == ["<ns:CreatePet", "<ns:name", "<ns:species", "<ns:ageMonths"]
    assert result.warnings == [
        "$.colour: the schema has no element 'colour' here; written after the others",
        "$.ageMonths: 'three' is not an xs:int, as the schema wants",
    ]


def write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


SOAP12_WSDL = """<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:s12="http://schemas.xmlsoap.org/wsdl/soap12/"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t">
  <types><xs:schema targetNamespace="urn:t"><xs:include schemaLocation="types.xsd"/></xs:schema></types>
  <message name="In"><part name="p" element="t:Ping"/></message>
  <portType name="P"><operation name="Ping"><input message="t:In"/></operation></portType>
  <binding name="B" type="t:P"><s12:binding/><operation name="Ping"><s12:operation soapAction="urn:t:Ping"/></operation></binding>
</definitions>"""
TYPES_XSD = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t">
  <xs:complexType name="Base"><xs:sequence><xs:element name="id" type="xs:long"/></xs:sequence></xs:complexType>
  <xs:element name="Ping"><xs:complexType><xs:complexContent><xs:extension base="t:Base">
    <xs:sequence><xs:choice><xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string"/></xs:choice></xs:sequence>
    <xs:attribute name="mode" type="xs:string"/>
  </xs:extension></xs:complexContent></xs:complexType></xs:element>
</xs:schema>"""


def test_soap_12_bindings_includes_extensions_choices_and_unqualified_elements(tmp_path: Path) -> None:
    write(tmp_path, "types.xsd", TYPES_XSD)
    service = read_service(write(tmp_path, "s.wsdl", SOAP12_WSDL), "Ping")
    assert (service.version.name, service.action, service.qualified) == ("1.2", "urn:t:Ping", False)
    request = service.request
    assert [(c.name, c.min_occurs, c.namespace) for c in request.children or []] == [
        ("id", 1, ""),
        ("a", 0, ""),
        ("b", 0, ""),
    ]
    assert request.attributes == {"mode": "string"}


def test_a_bare_xsd_names_the_operation_by_its_element(tmp_path: Path) -> None:
    service = read_service(write(tmp_path, "types.xsd", TYPES_XSD), "Ping")
    assert (service.namespace, service.action, service.response) == ("urn:t", None, None)


@pytest.mark.parametrize(
    ("name", "text", "operation", "message"),
    [
        ("a.wsdl", SOAP12_WSDL.replace("types.xsd", "missing.xsd"), "Ping", "missing.xsd: no such WSDL or XSD file"),
        ("b.wsdl", SOAP12_WSDL, "Pong", "no operation 'Pong'; it has: Ping"),
        ("c.wsdl", "<definitions", "Ping", "c.wsdl:1:13: not well-formed XML"),
        ("d.xsd", TYPES_XSD, "Nope", "no global element 'Nope'; it has: Ping"),
    ],
)
def test_problems_name_the_file(tmp_path: Path, name: str, text: str, operation: str, message: str) -> None:
    write(tmp_path, "types.xsd", TYPES_XSD)
    with pytest.raises(InputError) as caught:
        read_service(write(tmp_path, name, text), operation)
    assert message in str(caught.value)


def test_remote_schemas_are_not_fetched(tmp_path: Path) -> None:
    wsdl = SOAP12_WSDL.replace('<xs:include schemaLocation="types.xsd"/>', '<xs:import schemaLocation="http://127.0.0.1:9/x.xsd"/>'
                               '<xs:element name="Ping" type="xs:string"/>')  # fmt: skip
    service = read_service(write(tmp_path, "r.wsdl", wsdl), "Ping")
    assert service.warnings == ["http://127.0.0.1:9/x.xsd: not read (apigw reads local schema files only)"]
    assert json.dumps(service.request.type) == '"string"'


TREE_XSD = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t"
    elementFormDefault="qualified">
  <xs:complexType name="Node"><xs:sequence>
    <xs:element name="v" type="xs:int"/>
    <xs:element name="next" type="t:Node" minOccurs="0"/>
    <xs:element name="kids" type="t:Node" minOccurs="0" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType>
  <xs:element name="Tree" type="t:Node"/>
</xs:schema>"""


def test_a_type_that_contains_itself_several_times_is_read_once_not_expanded(tmp_path: Path) -> None:
    """A tree type: expanding it as a tree would take 3^32 steps; read once, it is a cycle."""
    service = read_service(write(tmp_path, "tree.xsd", TREE_XSD), "Tree")
    request = service.request
    kids = request.child("kids")
    assert kids is not None and kids.children is request.children and kids.repeats
    document = {"v": 1, "kids": [{"v": 2, "next": {"v": "3"}}, {"v": 4}]}
    conversion = to_xml(document, EnvelopeOptions("Tree", "urn:t"), request)
    assert "<ns:v>3</ns:v>" in conversion.xml and conversion.warnings == []


@pytest.mark.parametrize(
    "types",
    [
        '<xs:complexType name="A"><xs:complexContent><xs:extension base="t:A"/></xs:complexContent></xs:complexType>',
        '<xs:complexType name="A"><xs:complexContent><xs:extension base="t:B"/></xs:complexContent></xs:complexType>'
        '<xs:complexType name="B"><xs:complexContent><xs:extension base="t:A"/></xs:complexContent></xs:complexType>',
    ],
)
def test_a_type_derived_from_itself_is_a_clear_error(tmp_path: Path, types: str) -> None:
    xsd = (f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t">{types}'
           '<xs:element name="Op" type="t:A"/></xs:schema>')  # fmt: skip
    with pytest.raises(InputError, match=r"self\.xsd: type '[AB]' is derived from itself"):
        read_service(write(tmp_path, "self.xsd", xsd), "Op")


def test_a_target_namespace_xml_cannot_carry_is_an_error_naming_the_file(tmp_path: Path) -> None:
    xsd = TYPES_XSD.replace('targetNamespace="urn:t"', 'targetNamespace="urn:a b"')
    with pytest.raises(InputError, match=r"bad\.xsd: targetNamespace: 'urn:a b' is not a namespace URI"):
        read_service(write(tmp_path, "bad.xsd", xsd), "Ping")
