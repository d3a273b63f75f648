"""JSON to a SOAP envelope: the conventions, the versions, and what XML cannot carry."""

from __future__ import annotations

import json

import pytest

from apigw_cli.errors import InputError
from apigw_cli.soap.convert import to_xml
from apigw_cli.soap.envelope import SOAP_12, EnvelopeOptions
from apigw_cli.soap.xml import parse_xml

ORDERS = EnvelopeOptions("CreateOrder", "urn:example:orders")


def test_objects_arrays_nulls_and_scalars() -> None:
    result = to_xml({"customer": "Ada", "lines": [{"sku": "A1", "qty": 2}, {"sku": "B2", "qty": 1.5}], "note": None,
                     "gift": False, "big": 1e20}, ORDERS)  # fmt: skip
    assert result.xml == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns="urn:example:orders">\n'
        "  <soap:Body>\n"
        "    <ns:CreateOrder>\n"
        "      <ns:customer>Ada</ns:customer>\n"
        "      <ns:lines>\n        <ns:sku>A1</ns:sku>\n        <ns:qty>2</ns:qty>\n      </ns:lines>\n"
        "      <ns:lines>\n        <ns:sku>B2</ns:sku>\n        <ns:qty>1.5</ns:qty>\n      </ns:lines>\n"
        '      <ns:note xsi:nil="true"/>\n'
        "      <ns:gift>false</ns:gift>\n"
        "      <ns:big>1.0E20</ns:big>\n"
        "    </ns:CreateOrder>\n"
        "  </soap:Body>\n"
        "</soap:Envelope>\n"
    )
    assert result.warnings == []


def test_text_is_escaped_and_what_xml_cannot_carry_is_dropped_with_a_warning() -> None:
    result = to_xml({"name": 'a & <b> "c" ]]> é\x01\x1f\ud800'}, EnvelopeOptions("Op", "urn:x", compact=True))
    assert '<ns:name>a &amp; &lt;b&gt; "c" ]]&gt; é</ns:name>' in result.xml
    assert result.warnings == ["$.name: dropped 3 character(s) XML 1.0 cannot carry"]
    assert parse_xml(result.xml).children[0].children[0].children[0].text == 'a & <b> "c" ]]> é'


def test_attributes_text_and_declared_prefixes() -> None:
    document = {"pet": {"@id": 7, "@xmlns:p": "urn:p", "#text": "Rex", "p:chip": "123", "@p:lang": "en", "@skip": None}}
    xml = to_xml(document, EnvelopeOptions("Op", "urn:x", compact=True)).xml
    assert '<ns:pet xmlns:p="urn:p" id="7" p:lang="en">Rex<p:chip>123</p:chip></ns:pet>' in xml


def test_soap_12_and_another_prefix() -> None:
    xml = to_xml({"a": 1}, EnvelopeOptions("Op", "urn:x", version=SOAP_12, prefix="m", compact=True)).xml
    assert 'xmlns:soap="http://www.w3.org/2003/05/soap-envelope"' in xml and "<m:Op><m:a>1</m:a></m:Op>" in xml


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (["a"], "the JSON must be an object"),
        ({"my key": 1}, "$.my key: 'my key' is not an XML name"),
        ({"1st": 1}, "is not an XML name"),
        ({"q:a": 1}, "prefix 'q' is not declared"),
        ({"a": [[1]]}, "an array inside an array has no XML form"),
        ({"a": {"@b": {"c": 1}}}, "an attribute holds text"),
        ({"@xmlns:p": "a b", "p:x": 1}, "$.@xmlns:p: 'a b' is not a namespace URI XML accepts"),
        ({"@xmlns:1p": "urn:o"}, "'1p' cannot be declared as a prefix"),
        ({"@xmlns:xmlns": "urn:o"}, "'xmlns' cannot be declared as a prefix"),
        ({"@xmlns:xsi": "urn:other", "n": None}, "prefix 'xsi' is the envelope's own"),
        ({"@xmlns:p": "", "p:x": 1}, "a prefix needs a namespace URI"),
        (json.loads('{"a":' * 101 + "1" + "}" * 101), "the JSON nests deeper than 100 levels"),
    ],
)
def test_json_xml_cannot_express_is_an_input_error(document: object, message: str) -> None:
    with pytest.raises(InputError) as caught:
        to_xml(document, ORDERS)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("operation", "prefix", "namespace"),
    [("Bad Name", "ns", "urn:x"), ("Op", "soap", "urn:x"), ("Op", "1x", "urn:x"), ("Op", "ns", "urn:a b"),
     ("Op", "ns", "urn:a##b"), ("Op", "ns", ""), ("Op", "ns", "urn:${x}")],
)  # fmt: skip
def test_bad_operation_prefix_or_namespace(operation: str, prefix: str, namespace: str) -> None:
    with pytest.raises(InputError):
        EnvelopeOptions(operation, namespace, prefix=prefix)


def test_names_may_be_written_in_any_script() -> None:
    assert "<ns:名前>1</ns:名前>" in to_xml({"名前": 1}, ORDERS).xml


def test_arrays_longer_than_a_template_can_walk_are_written_with_a_warning() -> None:
    conversion = to_xml({"a": list(range(1001))}, ORDERS)
    assert conversion.xml.count("<ns:a>") == 1001
    assert conversion.warnings == ["$.a: 1,001 items; in API Gateway the template's #foreach stops after 1,000"]
