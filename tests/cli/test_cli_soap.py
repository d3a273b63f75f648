"""``apigw soap`` end to end: real files, exact stdout, warnings on stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from apigw_cli.cli import app
from apigw_cli.errors import ExitStatus
from tests.helpers import ROOT

SOAP = ROOT / "samples" / "soap"
WSDL = str(SOAP / "pets.wsdl")


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["soap", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_to_xml_with_a_wsdl(runner: CliRunner) -> None:
    code, out, err = run(runner, "to-xml", str(SOAP / "pet.json"), "--operation", "CreatePet", "--wsdl", WSDL)
    assert code == 0
    assert "<ns:CreatePet>\n      <ns:name>Rex &amp; Co &lt;3</ns:name>\n      <ns:species>dog</ns:species>" in out
    assert err == ""
    code, _, err = run(
        runner, "to-xml", "-", "--operation", "CreatePet", "--wsdl", WSDL, stdin='{"name": null, "colour": "red"}'
    )
    assert code == 0 and err.splitlines() == [
        "apigw: warning: $.colour: the schema has no element 'colour' here; written after the others",
        "apigw: warning: $: the schema requires element 'species', which the JSON does not give",
        "apigw: warning: $.name: null written as xsi:nil, but the schema does not make it nillable",
    ]


def test_to_xml_from_standard_input_compact_and_as_json(runner: CliRunner) -> None:
    code, out, _ = run(runner, "to-xml", "-", "--operation", "Ping", "--namespace", "urn:p", "--soap", "1.2", "--compact",
                       "--action", "urn:p#Ping", "--json", stdin='{"a": 1}')  # fmt: skip
    document = json.loads(out)
    assert code == 0 and document["contentType"] == 'application/soap+xml; charset=utf-8; action="urn:p#Ping"'
    assert document["xml"].endswith("<soap:Body><ns:Ping><ns:a>1</ns:a></ns:Ping></soap:Body></soap:Envelope>")


def test_to_json_with_and_without_a_schema(runner: CliRunner) -> None:
    response = str(SOAP / "create-pet-response.xml")
    code, out, _ = run(runner, "to-json", response, "--wsdl", WSDL, "--operation", "CreatePet", "--compact")
    assert (code, out) == (0, '{"id": 7, "name": "Rex & Co <3", "tags": ["good"], "price": 12.5}\n')
    code, out, _ = run(runner, "to-json", response, "--compact")
    assert (code, out) == (0, '{"id": "7", "name": "Rex & Co <3", "tags": "good", "price": "12.50"}\n')


def test_a_fault_exits_1_only_when_asked(runner: CliRunner) -> None:
    assert run(runner, "to-json", str(SOAP / "fault.xml"))[0] == 0
    code, out, err = run(runner, "to-json", str(SOAP / "fault.xml"), "--fail-on-fault")
    assert code == ExitStatus.DIFFERENT and json.loads(out)["fault"]["code"] == "soap:Client"
    assert err == "apigw: error: the answer is a SOAP Fault: soap:Client: species must be dog or cat\n"


def test_template_and_integration(runner: CliRunner) -> None:
    code, out, _ = run(
        runner, "template", "--operation", "CreatePet", "--wsdl", WSDL, "--sample", str(SOAP / "pet.json")
    )
    assert code == 0 and out.startswith("## SOAP 1.1 request for CreatePet (urn:example:pets)")
    code, out, _ = run(runner, "template", "--operation", "CreatePet", "--wsdl", WSDL, "--integration")
    integration = yaml.safe_load(out)
    assert (code, integration["uri"]) == (0, "https://soap.example.com/pets")
    assert (
        integration["requestParameters"]["integration.request.header.SOAPAction"] == "'\"urn:example:pets#CreatePet\"'"
    )
    assert integration["requestTemplates"]["application/json"].startswith("## SOAP 1.1 request")


def test_usage_and_input_errors(runner: CliRunner, tmp_path: Path) -> None:
    assert run(runner, "to-xml", "-", "--operation", "Op", stdin="{}")[0] == ExitStatus.USAGE  # no namespace
    assert (
        run(runner, "to-xml", "-", "--operation", "Op", "--namespace", "u", "--soap", "2", stdin="{}")[0]
        == ExitStatus.USAGE
    )
    code, _, err = run(runner, "to-xml", "-", "--operation", "Op", "--namespace", "u", stdin='{"a": }')
    assert (code, err) == (ExitStatus.INPUT, "apigw: error: <stdin>:1:7: invalid JSON: Expecting value\n")
    code, _, err = run(runner, "to-xml", "-", "--operation", "Op", "--namespace", "u", stdin="[1]")
    assert code == ExitStatus.INPUT and "the JSON must be an object" in err
    bad = tmp_path / "bad.xml"
    bad.write_text("<s:Envelope>\n<oops", encoding="utf-8")
    code, _, err = run(runner, "to-json", str(bad))
    assert code == ExitStatus.INPUT and err.startswith(f"apigw: error: {bad}:")
    assert run(runner, "to-json", str(SOAP / "fault.xml"), "--wsdl", WSDL)[0] == ExitStatus.USAGE  # no --operation
    code, _, err = run(runner, "template", "--operation", "CreatePet", "--namespace", "urn:x")
    assert code == ExitStatus.INPUT and "give a sample (--sample) or a schema (--wsdl)" in err


def test_problems_with_the_content_name_the_file_on_one_line(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, "to-xml", "-", "--operation", "Op", "--namespace", "urn:a b", stdin="{}")
    assert code == ExitStatus.USAGE and err.startswith("apigw: error: --namespace: 'urn:a b' is not a namespace URI")
    code, _, err = run(runner, "to-xml", "-", "--operation", "Op", "--namespace", "u", stdin='{"a b": 1}')
    assert (code, err) == (ExitStatus.INPUT, "apigw: error: <stdin>: $.a b: 'a b' is not an XML name "
                                             "(letters, digits, '_', '-', '.'; no spaces)\n")  # fmt: skip
    sample = tmp_path / "sample.yaml"
    sample.write_text("1: x\n", encoding="utf-8")
    code, _, err = run(runner, "template", "--operation", "Op", "--namespace", "u", "--sample", str(sample))
    assert (code, err) == (ExitStatus.INPUT, f"apigw: error: {sample}: $: key 1 is not text\n")
    fault = tmp_path / "fault.xml"
    fault.write_text(
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
        "<faultstring>two\nlines</faultstring></s:Fault></s:Body></s:Envelope>",
        encoding="utf-8",
    )
    code, _, err = run(runner, "to-json", str(fault), "--fail-on-fault")
    assert (code, err) == (ExitStatus.DIFFERENT, "apigw: error: the answer is a SOAP Fault: (no code): two lines\n")
