"""``apigw soap``: JSON to a SOAP envelope and back, and the mapping template that builds the
envelope inside API Gateway."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from apigw_cli.cli.inputs import request_options
from apigw_cli.cli.options import JsonOption, TracebackOption
from apigw_cli.errors import CheckFailed, UsageError

if TYPE_CHECKING:
    from apigw_cli.soap.envelope import EnvelopeOptions
    from apigw_cli.soap.wsdl import ServiceOperation

soap_app = typer.Typer(
    help="Convert JSON to a SOAP envelope and back, and write the mapping template that does it in API Gateway.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

OperationOption = Annotated[
    str, typer.Option("--operation", metavar="NAME", help="The operation: the Body's element (and the WSDL's).")
]
NamespaceOption = Annotated[
    str | None, typer.Option("--namespace", metavar="URI", help="The operation's namespace (default: the WSDL's).")
]
SoapVersionOption = Annotated[
    str | None, typer.Option("--soap", metavar="1.1|1.2", help="SOAP version (default: the WSDL's, else 1.1).")
]
PrefixOption = Annotated[str, typer.Option("--prefix", metavar="P", help="The operation namespace's prefix.")]
ActionOption = Annotated[str | None, typer.Option("--action", metavar="URI", help="SOAPAction (default: the WSDL's).")]
WsdlOption = Annotated[
    str | None,
    typer.Option("--wsdl", metavar="FILE", help="A WSDL 1.1 or XSD file: namespace, element order, types, SOAPAction."),
]
CONVENTIONS = """\b
JSON to XML: an object's keys are child elements, in order (a WSDL's xs:sequence order wins);
an array is the element repeated; null is xsi:nil="true"; "@name" is an attribute, "#text"
the element's own text, "@xmlns:p" declares prefix p for names written "p:name". Numbers and
booleans are written as API Gateway's $input.path prints them (42, 2.5, 1.0E20, true).
Characters XML 1.0 cannot carry (most control characters) are dropped, with a warning.
"""


@dataclass
class EnvelopeInputs:
    """What says which envelope to build: the options of to-xml and template."""

    operation: OperationOption
    namespace: NamespaceOption = None
    soap: SoapVersionOption = None
    prefix: PrefixOption = "ns"
    action: ActionOption = None
    wsdl: WsdlOption = None

    def load(self, *, compact: bool = False) -> tuple[EnvelopeOptions, ServiceOperation | None]:
        """The envelope's options, from the flags and the WSDL (the flags win)."""
        from apigw_cli.errors import InputError
        from apigw_cli.soap.envelope import VERSIONS, EnvelopeOptions, check_namespace
        from apigw_cli.soap.wsdl import read_service

        if self.soap is not None and self.soap not in VERSIONS:
            raise UsageError(f"--soap {self.soap!r}: expected 1.1 or 1.2")
        if self.namespace is not None:
            try:
                check_namespace(self.namespace, "--namespace")
            except InputError as error:
                raise UsageError(error.message) from None
        service = read_service(self.wsdl, self.operation) if self.wsdl else None
        if self.namespace is None and service is None:
            raise UsageError("give --namespace URI or --wsdl FILE: the operation's namespace comes from one of them")
        options = EnvelopeOptions(
            operation=self.operation,
            namespace=self.namespace or (service.namespace if service else ""),
            version=VERSIONS[self.soap] if self.soap else (service.version if service else VERSIONS["1.1"]),
            prefix=self.prefix,
            action=self.action if self.action is not None else (service.action if service else None),
            qualified=service.qualified if service else True,
            compact=compact,
        )
        return options, service


@contextmanager
def _naming(name: str) -> Iterator[None]:
    """Errors about the JSON's content name its file."""
    from apigw_cli.errors import InputError

    try:
        yield
    except InputError as error:
        raise InputError(f"{name}: {error.message}", hint=error.hint) from None


def _report(warnings: list[str]) -> None:
    from apigw_cli import output

    output.report_warnings(warnings)


@soap_app.command("to-xml", epilog=CONVENTIONS)
@request_options(EnvelopeInputs)
def to_xml_command(
    input_file: Annotated[
        str, typer.Argument(metavar="INPUT.json", help="The JSON (a file, or - for standard input).")
    ],
    inputs: EnvelopeInputs,
    compact: Annotated[bool, typer.Option("--compact", help="No indentation or new lines.")] = False,
    json_output: JsonOption = False,
    traceback: TracebackOption = False,
) -> None:
    """Wrap a JSON object in a SOAP envelope: its keys become the operation's elements.

    \b
    Examples:
      apigw soap to-xml samples/soap/pet.json --operation CreatePet --wsdl samples/soap/pets.wsdl
      echo '{"id": 7}' | apigw soap to-xml - --operation GetPet --namespace urn:example:pets --soap 1.2
    """
    from apigw_cli import output
    from apigw_cli.documents import parse_json, read_text
    from apigw_cli.soap.convert import to_xml

    options, service = inputs.load(compact=compact)
    name = "<stdin>" if input_file == "-" else input_file
    document = parse_json(read_text(input_file, what="JSON file"), name)
    with _naming(name):
        result = to_xml(document, options, service.request if service else None)
    _report([*(service.warnings if service else []), *result.warnings])
    if json_output:
        output.write_json({"xml": result.xml, "contentType": options.version.content_type(options.action),
                           "soapAction": options.action, "warnings": result.warnings})  # fmt: skip
    else:
        output.write_payload(result.xml)


@soap_app.command("to-json")
def to_json_command(
    response_file: Annotated[
        str, typer.Argument(metavar="RESPONSE.xml", help="A SOAP envelope (a file, or - for standard input).")
    ],
    keep_ns: Annotated[bool, typer.Option("--keep-ns", help="Keep namespace prefixes in the keys (ns:name).")] = False,
    wsdl: WsdlOption = None,
    operation: Annotated[
        str | None,
        typer.Option("--operation", metavar="NAME", help="With --wsdl: the operation whose response this is."),
    ] = None,
    fail_on_fault: Annotated[bool, typer.Option("--fail-on-fault", help="Exit 1 when the answer is a Fault.")] = False,
    compact: Annotated[bool, typer.Option("--compact", help="JSON on one line.")] = False,
    traceback: TracebackOption = False,
) -> None:
    """The Body's payload as JSON (a Fault as {"fault": {code, string or reason, detail}}).

    \b
    Repeated elements become arrays, attributes "@name", text beside elements "#text",
    xsi:nil null. Without --wsdl every value is text; with it, numbers and booleans are typed
    and elements that may repeat are always arrays.

    \b
    Examples:
      apigw soap to-json samples/soap/create-pet-response.xml --wsdl samples/soap/pets.wsdl --operation CreatePet
      apigw soap to-json samples/soap/fault.xml --fail-on-fault || echo "the service answered a Fault"
    """
    import json

    from apigw_cli import output
    from apigw_cli.documents import read_bytes
    from apigw_cli.soap.parse import to_json
    from apigw_cli.soap.wsdl import read_service

    if wsdl is not None and operation is None:
        raise UsageError("--wsdl needs --operation: the response's element is the operation's output")
    service = read_service(wsdl, operation) if wsdl and operation else None
    name = "<stdin>" if response_file == "-" else response_file
    reading = to_json(read_bytes(response_file, what="SOAP file"), name=name, keep_ns=keep_ns,
                      schema=service.response if service else None)  # fmt: skip
    _report([*(service.warnings if service else []), *reading.warnings])
    text = json.dumps(reading.document, ensure_ascii=False, indent=None if compact else 2)
    output.write_payload(text + "\n")
    if fail_on_fault and reading.is_fault:
        fault = reading.document["fault"]
        words = " ".join(str(fault.get("string", fault.get("reason")) or "(no reason given)").split())
        raise CheckFailed(f"the answer is a SOAP Fault: {fault.get('code') or '(no code)'}: {words}")


@soap_app.command("template", epilog=CONVENTIONS)
@request_options(EnvelopeInputs)
def template_command(
    inputs: EnvelopeInputs,
    sample: Annotated[
        str | None, typer.Option("--sample", metavar="INPUT.json", help="A JSON request: the shape to follow.")
    ] = None,
    integration: Annotated[
        bool,
        typer.Option(
            "--integration", help="Print an x-amazon-apigateway-integration (YAML) with the template and headers."
        ),
    ] = False,
    uri: Annotated[
        str | None,
        typer.Option("--uri", metavar="URL", help="With --integration: the service's URL (default: the WSDL's)."),
    ] = None,
    traceback: TracebackOption = False,
) -> None:
    """Write the request mapping template that builds the same envelope as to-xml inside API
    Gateway, from $input.path, escaping every value for XML with Java string methods.

    \b
    The JSON's shape comes from --sample, --wsdl or both. With --integration, prints the whole
    HTTP integration: the template, SOAP's Content-Type and the SOAPAction header mapping.

    \b
    Examples:
      apigw soap template --operation CreatePet --wsdl samples/soap/pets.wsdl --sample samples/soap/pet.json
      apigw soap template --operation CreatePet --wsdl samples/soap/pets.wsdl --integration
    """
    from apigw_cli import output
    from apigw_cli.documents import load_document
    from apigw_cli.soap.template import integration_settings, soap_template

    options, service = inputs.load()
    shape = load_document(sample, what="sample JSON file") if sample else None
    with _naming(sample or "--wsdl"):
        template = soap_template(options, sample=shape, schema=service.request if service else None)
    _report(service.warnings if service else [])
    if not integration:
        output.write_payload(template)
        return
    address = uri or (service.address if service else None) or "https://soap.example.com/service"
    output.write_yaml(integration_settings(options, template, address))


def register(app: typer.Typer) -> None:
    app.add_typer(soap_app, name="soap")
