"""The template `apigw soap template` writes builds, inside API Gateway's engine, the same
envelope `apigw soap to-xml` writes: proved over generated JSON with hostile text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apigw_cli.diff import compare_outputs
from apigw_cli.errors import InputError
from apigw_cli.render import render_template
from apigw_cli.samples import request_from_mapping
from apigw_cli.soap.convert import to_xml
from apigw_cli.soap.envelope import SOAP_12, ElementDecl, EnvelopeOptions
from apigw_cli.soap.template import integration_settings, soap_template
from apigw_cli.soap.wsdl import read_service
from apigw_cli.vtl.context import Identity
from apigw_cli.vtl.engine import compile_template
from tests.helpers import ROOT

OPTIONS = EnvelopeOptions("CreateOrder", "urn:example:orders")
HOSTILE = ["<", ">", "&", '"', "'", "]]>", "&amp;", "<![CDATA[x]]>", "é", "😀", "\x01", "\x1f", "\r\n", "\t", "\ud800",
           "$input", "#set($x = 1)", "\\", "\u2028", "\ufffe", " lead", "trail "]  # fmt: skip


def render(template: str, document: Any) -> str:
    request = request_from_mapping(
        {"method": "POST", "headers": {"Content-Type": "application/json"}, "body": json.dumps(document)}, "request"
    )
    return render_template(compile_template(template, "soap.vtl"), request, identity=Identity.deterministic()).output


def assert_same_envelope(document: Any, options: EnvelopeOptions = OPTIONS, **template_options: Any) -> str:
    expected = to_xml(document, options, template_options.get("schema")).xml
    actual = render(soap_template(options, **{"sample": document, **template_options}), document)
    comparison = compare_outputs(actual, expected)
    assert comparison.format == "xml"
    assert comparison.equal, [difference.describe() for difference in comparison.differences]
    return actual


def test_the_template_writes_exactly_what_to_xml_writes() -> None:
    """Byte for byte, not only canonically (real Velocity 1.7 writes the same: checked with
    the oracle of shared/oracle)."""
    document = {
        "customer": "Ada & <Co>", "lines": [{"sku": "A1", "qty": 2}, {"sku": "B2", "qty": 1.5, "note": None}],
        "note": None, "empty": "", "flag": True, "tags": ["a", None, "b"],
        "meta": {"@id": 7, "@tag": 'a"b\tc', "#text": "x", "p:extra": 1, "@xmlns:p": "urn:p"},
    }  # fmt: skip
    assert assert_same_envelope(document) == to_xml(document, OPTIONS).xml


def test_keys_missing_at_run_time_are_left_out_as_to_xml_leaves_them_out() -> None:
    sample = {"a": "1", "b": {"c": "2", "d": "3"}, "e": ["x"]}
    template = soap_template(OPTIONS, sample=sample)
    for document in ({"a": "1"}, {"b": {"d": "3"}}, {"e": []}, {}, {"a": None, "b": None, "e": None}):
        comparison = compare_outputs(render(template, document), to_xml(document, OPTIONS).xml)
        assert comparison.equal, (document, [d.describe() for d in comparison.differences])


def test_soap_12_and_a_schema_order() -> None:
    service = read_service(str(ROOT / "samples" / "soap" / "pets.wsdl"), "CreatePet")
    options = EnvelopeOptions("CreatePet", service.namespace, version=SOAP_12, action=service.action)
    document = json.loads((ROOT / "samples" / "soap" / "pet.json").read_text())
    assert_same_envelope(document, options, schema=service.request)


def test_a_template_from_the_schema_alone() -> None:
    service = read_service(str(ROOT / "samples" / "soap" / "pets.wsdl"), "CreatePet")
    options = EnvelopeOptions("CreatePet", service.namespace, action=service.action)
    template = soap_template(options, schema=service.request)
    document = {"name": "Rex", "species": "dog", "tags": ["a", "b"], "owner": {"id": 1}}
    comparison = compare_outputs(render(template, document), to_xml(document, options, service.request).xml)
    assert comparison.equal, [d.describe() for d in comparison.differences]


@pytest.mark.parametrize(
    "namespace", ["urn:a&b", "urn:$input.body", "http://example.com/ns#end", "urn:a'b$c#set($q=1)", "urn:x#$y"]
)
def test_namespaces_are_escaped_for_xml_and_kept_from_vtl(namespace: str) -> None:
    """A namespace is text to the template, never VTL: '$' and '#' come from a single-quoted
    literal (checked with real Velocity 1.7 too)."""
    options = EnvelopeOptions("Op", namespace)
    document = {"a": "x", "b": {"@xmlns:q": namespace + "/q", "q:c": 1}}
    assert assert_same_envelope(document, options) == to_xml(document, options).xml


def test_a_recursive_schema_gives_a_template_one_level_deep() -> None:
    leaf = ElementDecl("v", "urn:t", type="int")
    node = ElementDecl("Tree", "urn:t", children=[leaf])
    assert node.children is not None
    node.children.append(ElementDecl("kids", "urn:t", children=node.children, max_occurs=None))
    template = soap_template(EnvelopeOptions("Tree", "urn:t"), schema=node)
    document = {"v": 1, "kids": [{"v": 2}]}
    assert render(template, document) == to_xml(document, EnvelopeOptions("Tree", "urn:t"), node).xml


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        ({"a": [{"b": 1}, "x"]}, r"\$\['a'\]: an array mixes objects and values"),
        ({"@a": {}}, r"an attribute or an element's text holds a scalar"),
        ({"@xmlns:ns": "urn:other", "x": 1}, r"prefix 'ns' is the envelope's own"),
        ({"@xmlns:xml": "urn:o"}, r"'xml' cannot be declared as a prefix"),
        ({"@xmlns:": "urn:o"}, r"'' cannot be declared as a prefix"),
        ({1: "x"}, r"key 1 is not text"),
    ],
)
def test_samples_the_template_cannot_follow_are_refused_as_to_xml_refuses_them(sample: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        soap_template(OPTIONS, sample=sample)


def test_the_template_needs_a_shape() -> None:
    with pytest.raises(InputError, match="give a sample"):
        soap_template(OPTIONS)


def test_integration_settings_for_both_versions() -> None:
    soap11 = integration_settings(EnvelopeOptions("Op", "urn:x", action="urn:x#Op"), "T", "https://h/s")
    assert soap11["requestParameters"] == {
        "integration.request.header.Content-Type": "'text/xml; charset=utf-8'",
        "integration.request.header.SOAPAction": "'\"urn:x#Op\"'",
    }
    soap12 = integration_settings(
        EnvelopeOptions("Op", "urn:x", version=SOAP_12, action="urn:x#Op"), "T", "https://h/s"
    )
    assert soap12["requestParameters"] == {
        "integration.request.header.Content-Type": "'application/soap+xml; charset=utf-8; action=\"urn:x#Op\"'"
    }
    assert (soap11["type"], soap11["httpMethod"], soap11["requestTemplates"]) == (
        "http",
        "POST",
        {"application/json": "T"},
    )


# -- the property ----------------------------------------------------------------------------

NAMES = st.from_regex(r"[A-Za-z_\u00e9\u540d][A-Za-z0-9_.\-\u00e9\u540d]{0,8}", fullmatch=True)
TEXT = st.one_of(
    st.text(max_size=12), st.sampled_from(HOSTILE), st.lists(st.sampled_from(HOSTILE), max_size=4).map("".join)
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20),
                    st.floats(allow_nan=False, allow_infinity=False), TEXT)  # fmt: skip

# A shape first (what a schema would say), then values that follow it, nulls anywhere: a
# template follows one shape, as a service's schema has one.
SHAPES = st.recursive(
    st.just("scalar"),
    lambda inner: st.one_of(
        st.dictionaries(NAMES, inner, min_size=1, max_size=4).map(lambda fields: ("object", fields)),
        inner.filter(lambda shape: not (isinstance(shape, tuple) and shape[0] == "list")).map(
            lambda item: ("list", item)
        ),
    ),
    max_leaves=10,
)


@st.composite
def values(draw: st.DrawFn, shape: Any) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return None
    if shape == "scalar":
        return draw(SCALARS)
    kind, inner = shape
    if kind == "list":
        return [draw(values(inner)) for _ in range(draw(st.integers(0, 3)))]
    return {key: draw(values(item)) for key, item in inner.items() if draw(st.integers(0, 3))}


def full_sample(shape: Any) -> Any:
    """A sample that shows the whole shape, as a user's sample request would."""
    if shape == "scalar":
        return "x"
    kind, inner = shape
    if kind == "list":
        return [full_sample(inner)]
    return {key: full_sample(item) for key, item in inner.items()}


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A sample (the whole shape) and a document of that shape: keys missing, nulls, empty
    arrays, hostile text."""
    fields = draw(st.dictionaries(NAMES, SHAPES, min_size=1, max_size=5))
    document = {key: draw(values(shape)) for key, shape in fields.items() if draw(st.integers(0, 5))}
    return full_sample(("object", fields)), document


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_property_the_template_and_to_xml_agree(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    sample, document = case
    expected = to_xml(document, OPTIONS).xml
    actual = render(soap_template(OPTIONS, sample=sample), document)
    comparison = compare_outputs(actual, expected)
    assert comparison.equal, [difference.describe() for difference in comparison.differences]
    assert actual == expected  # the same bytes, even
