"""A SOAP answer back to JSON, Faults of both versions, and hostile XML (STYLE sandbox §8.8)."""

from __future__ import annotations

import time

import pytest

from apigw_cli.errors import InputError
from apigw_cli.soap.envelope import ElementDecl
from apigw_cli.soap.parse import to_json
from apigw_cli.soap.wsdl import read_service
from tests.helpers import ROOT

SOAP = ROOT / "samples" / "soap"


def envelope(body: str, version: str = "http://schemas.xmlsoap.org/soap/envelope/") -> str:
    return f'<s:Envelope xmlns:s="{version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><s:Body>{body}</s:Body></s:Envelope>'


def test_payload_conventions() -> None:
    reading = to_json(envelope(
        '<r:GetPetResponse xmlns:r="urn:r"><r:id>7</r:id><r:tag>a</r:tag><r:tag>b</r:tag><r:note xsi:nil="true"/>'
        '<r:chip kind="iso">123</r:chip><r:mixed>x<r:y>1</r:y></r:mixed><r:empty/></r:GetPetResponse>'
    ))  # fmt: skip
    assert reading.document == {
        "id": "7", "tag": ["a", "b"], "note": None, "chip": {"@kind": "iso", "#text": "123"},
        "mixed": {"#text": "x", "y": "1"}, "empty": "",
    }  # fmt: skip
    assert (reading.is_fault, reading.version.name) == (False, "1.1")


def test_prefixes_are_kept_when_asked() -> None:
    reading = to_json(envelope('<r:A xmlns:r="urn:r"><r:b>1</r:b></r:A>'), keep_ns=True)
    assert reading.document == {"r:b": "1"}


def test_a_wsdl_types_the_values_and_makes_repeatable_elements_arrays() -> None:
    service = read_service(str(SOAP / "pets.wsdl"), "CreatePet")
    reading = to_json((SOAP / "create-pet-response.xml").read_text(), schema=service.response)
    assert reading.document == {"id": 7, "name": "Rex & Co <3", "tags": ["good"], "price": 12.5}


def test_soap_11_fault() -> None:
    reading = to_json((SOAP / "fault.xml").read_text())
    assert reading.is_fault
    assert reading.document == {"fault": {"code": "soap:Client", "string": "species must be dog or cat",
                                          "detail": {"code": "INVALID_SPECIES"}}}  # fmt: skip


def test_soap_12_fault() -> None:
    body = ('<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>m:Bad</s:Value></s:Subcode></s:Code>'
            '<s:Reason><s:Text xml:lang="en">Nope</s:Text></s:Reason><s:Detail><d>1</d></s:Detail></s:Fault>')  # fmt: skip
    reading = to_json(envelope(body, "http://www.w3.org/2003/05/soap-envelope"))
    assert reading.document == {
        "fault": {"code": "s:Sender", "subcodes": ["m:Bad"], "reason": "Nope", "detail": {"d": "1"}}
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<a><b></a>", "resp.xml:1:"),
        ("<Envelope/>", "not a SOAP envelope: the root element is Envelope"),
        ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>', "the SOAP envelope has no Body"),
        ("not xml", "not well-formed XML"),
    ],
)
def test_what_is_not_a_soap_envelope_is_an_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        to_json(text, name="resp.xml")
    assert message in str(caught.value)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a>&lol9;</a></s:Body></s:Envelope>"""


def test_the_billion_laughs_are_a_clear_error_not_a_hang() -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match="not well-formed XML: .*amplification"):
        to_json(BILLION_LAUGHS)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "declaration",
    [
        f'<!ENTITY xxe SYSTEM "file://{ROOT / "pyproject.toml"}">',  # external: would read a file
        '<!ENTITY xxe "hello">',  # internal: would vanish silently
    ],
)
def test_a_document_type_declaration_is_refused_so_entities_neither_read_files_nor_vanish(declaration: str) -> None:
    text = (f'<?xml version="1.0"?><!DOCTYPE x [{declaration}]>'
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a>&xxe;</a></s:Body></s:Envelope>')  # fmt: skip
    with pytest.raises(InputError, match=r"must not contain a document type declaration") as caught:
        to_json(text, name="answer.xml")
    assert "apigw" not in str(caught.value) and str(caught.value).startswith("answer.xml: ")


def test_bytes_are_decoded_as_the_xml_declaration_says() -> None:
    latin = envelope("<name>caf\u00e9</name>")
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?>' + latin).encode("latin-1")
    assert to_json(data).document == "caf\u00e9"
    assert to_json(b"\xef\xbb\xbf" + envelope("<a>x</a>").encode()).document == "x"


def test_decimals_that_no_double_holds_stay_text_with_a_warning() -> None:
    schema = ElementDecl(
        "r", "urn:x", children=[ElementDecl("d", "urn:x", type="decimal"), ElementDecl("f", "urn:x", type="double")]
    )
    text = envelope("<r><d>123456789012345678901234567890.5</d><f>1e400</f></r>")
    reading = to_json(text, schema=schema)
    assert reading.document == {"d": "123456789012345678901234567890.5", "f": "1e400"}
    assert len(reading.warnings) == 2
    assert to_json(envelope("<r><d>2.5</d><f>1e3</f></r>"), schema=schema).document == {"d": 2.5, "f": 1000.0}
    # Digits are ASCII digits: a full-width 7 is not an xs:int.
    int_schema = ElementDecl("i", "urn:x", type="int")
    assert to_json(envelope("<i>\uff17</i>"), schema=int_schema).document == "\uff17"


def test_deep_nesting_is_a_clear_error_not_a_crash() -> None:
    body = "<a>" * 5000 + "</a>" * 5000
    with pytest.raises(InputError, match="not well-formed XML"):
        to_json(envelope(body))
