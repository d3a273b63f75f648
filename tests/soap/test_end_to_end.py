"""JSON -> SOAP -> JSON through API Gateway's pipeline: the template apigw writes, sent by
`apigw invoke --type http` to a SOAP service on 127.0.0.1, and its answer read back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lxml import etree

from apigw_cli.diff import compare_outputs
from apigw_cli.soap.convert import to_xml
from apigw_cli.soap.envelope import EnvelopeOptions
from apigw_cli.soap.wsdl import read_service
from tests.backend import Backend, Received
from tests.helpers import ROOT

SOAP = ROOT / "samples" / "soap"
PETS = "urn:example:pets"


def pet_service(request: Received) -> tuple[int, list[tuple[str, str]], bytes]:
    """A tiny SOAP 1.1 service: CreatePet answers with an id and what it was sent, or a Fault."""
    envelope = etree.fromstring(request.body)
    pet = envelope.find(f"{{http://schemas.xmlsoap.org/soap/envelope/}}Body/{{{PETS}}}CreatePet")
    species = pet.findtext(f"{{{PETS}}}species") if pet is not None else None
    if species not in ("dog", "cat"):
        body = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
                "<faultcode>s:Client</faultcode><faultstring>species must be dog or cat</faultstring>"
                "</s:Fault></s:Body></s:Envelope>")  # fmt: skip
        return 500, [("Content-Type", "text/xml; charset=utf-8")], body.encode()
    assert pet is not None
    tags = "".join(f"<tags>{tag.text}</tags>" for tag in pet.iterfind(f"{{{PETS}}}tags"))
    name = etree.Element("name")
    name.text = pet.findtext(f"{{{PETS}}}name")
    body = (f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><CreatePetResponse xmlns="{PETS}">'
            f"<id>7</id>{etree.tostring(name, encoding='unicode')}{tags}<price>12.50</price></CreatePetResponse></s:Body></s:Envelope>")  # fmt: skip
    return 200, [("Content-Type", "text/xml; charset=utf-8")], body.encode()


def apigw(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "apigw_cli", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, check=False)  # fmt: skip


def test_json_to_soap_to_json_through_an_http_integration(backend: Backend, tmp_path: Path) -> None:
    backend.respond = pet_service
    wsdl = str(SOAP / "pets.wsdl")
    made = apigw("soap", "template", "--operation", "CreatePet", "--wsdl", wsdl, "--sample", str(SOAP / "pet.json"),
                 "--integration", "--uri", backend.url + "/pets")  # fmt: skip
    assert made.returncode == 0, made.stderr
    integration = tmp_path / "integration.yaml"
    integration.write_text(made.stdout, encoding="utf-8")

    called = apigw("invoke", "--integration", str(integration), "-X", "POST", "-H", "Content-Type: application/json",
                   "--input", str(SOAP / "pet.json"), "--json")  # fmt: skip
    assert called.returncode == 0, called.stderr
    answer = json.loads(called.stdout)
    assert answer["status"] == 200

    # What the service got: SOAP's headers, and the envelope to-xml writes for the same JSON.
    (sent,) = backend.received
    assert sent.header("Content-Type") == "text/xml; charset=utf-8"
    assert sent.header("SOAPAction") == '"urn:example:pets#CreatePet"'
    service = read_service(wsdl, "CreatePet")
    options = EnvelopeOptions("CreatePet", PETS, action=service.action)
    expected = to_xml(json.loads((SOAP / "pet.json").read_text()), options, service.request).xml
    assert compare_outputs(sent.body.decode(), expected).equal

    read = apigw("soap", "to-json", "-", "--wsdl", wsdl, "--operation", "CreatePet", stdin=answer["body"])
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == {"id": 7, "name": "Rex & Co <3", "tags": ["good", "boy"], "price": 12.5}


def test_a_fault_comes_back_as_json_and_fails_when_asked(backend: Backend, tmp_path: Path) -> None:
    backend.respond = pet_service
    made = apigw("soap", "template", "--operation", "CreatePet", "--wsdl", str(SOAP / "pets.wsdl"),
                 "--sample", str(SOAP / "pet.json"), "--integration", "--uri", backend.url + "/pets")  # fmt: skip
    (tmp_path / "i.yaml").write_text(made.stdout, encoding="utf-8")
    document = {"name": "Nemo", "species": "fish"}
    called = apigw("invoke", "--integration", str(tmp_path / "i.yaml"), "-X", "POST", "-H", "Content-Type: application/json",
                   "--input", "-", "--json", stdin=json.dumps(document))  # fmt: skip
    answer = json.loads(called.stdout)
    read = apigw("soap", "to-json", "-", "--fail-on-fault", stdin=answer["body"])
    assert read.returncode == 1
    assert json.loads(read.stdout) == {"fault": {"code": "s:Client", "string": "species must be dog or cat"}}
    assert read.stderr == "apigw: error: the answer is a SOAP Fault: s:Client: species must be dog or cat\n"


def test_the_shipped_integration_is_what_the_command_writes() -> None:
    """samples/soap/integration.yaml (used by the README and samples/soap/cases.yaml) is not stale."""
    made = apigw("soap", "template", "--operation", "CreatePet", "--wsdl", str(SOAP / "pets.wsdl"),
                 "--sample", str(SOAP / "pet.json"), "--integration")  # fmt: skip
    assert made.stdout == (SOAP / "integration.yaml").read_text(encoding="utf-8")
