"""The request mapping template that builds, inside API Gateway, the envelope
``apigw soap to-xml`` writes (``apigw soap template``), and the integration settings to use
with it.

The template follows the JSON's shape (from a sample, a schema, or both), guards every key
with ``containsKey`` so that a missing one is left out as ``to-xml`` leaves it out, tells
``null`` from ``""`` with ``$input.json`` (AWS's VTL treats them as equal), and escapes every
value with Java string methods, since API Gateway has no XML escape helper. Numbers and
booleans print as ``$input.path`` gives them, which is what ``to-xml`` writes too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apigw_cli.errors import InputError
from apigw_cli.soap.convert import XML_DECLARATION, XML_NAMESPACE
from apigw_cli.soap.envelope import (
    ENVELOPE_PREFIX,
    NOT_IN_XML,
    ElementDecl,
    EnvelopeOptions,
    check_json,
    element_namespace,
    envelope_namespaces,
    layout,
    namespace_declarations,
)

#: The escaping macros: characters XML cannot carry are dropped (as ``to-xml`` drops them),
#: markup characters escaped, and line breaks kept as references (a parser would otherwise
#: turn a CR into a LF). Attribute values also keep tabs and new lines as references.
MACROS = f"""\
#macro(xmltext $value)$value.toString().replaceAll("{NOT_IN_XML}", "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replaceAll("\\r", "&#13;")#end
#macro(xmlattr $value)$value.toString().replaceAll("{NOT_IN_XML}", "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replaceAll("\\t", "&#9;").replaceAll("\\n", "&#10;").replaceAll("\\r", "&#13;")#end
"""  # noqa: E501 - a macro is one line, or its new lines would be output


@dataclass
class _Emitter:
    options: EnvelopeOptions
    #: The envelope's prefixes, which the JSON may not declare again.
    reserved: frozenset[str] = frozenset()
    lines: list[str] = field(default_factory=list)
    counter: int = 0
    #: ``#set`` lines that hold literal text VTL would otherwise read (``$``, ``#``).
    literals: list[str] = field(default_factory=list)

    def variable(self, stem: str) -> str:
        self.counter += 1
        return f"${stem}{self.counter}"

    def attribute_text(self, text: str) -> str:
        """``text`` escaped for an XML attribute as lxml writes it, and safe from VTL: text
        holding ``$`` or ``#`` is set once from a single-quoted (uninterpreted) literal."""
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        if "$" not in escaped and "#" not in escaped:
            return escaped
        variable = f"$literal{len(self.literals) + 1}"
        pieces = ' + "\'" + '.join(f"'{piece}'" for piece in escaped.split("'"))
        self.literals.append(f"#set({variable} = {pieces})")
        return "${" + variable[1:] + "}"


def soap_template(options: EnvelopeOptions, *, sample: Any = None, schema: ElementDecl | None = None) -> str:
    """A VTL request template: the envelope of ``to-xml`` for whatever JSON the client sends
    in the shape of ``sample`` (or of ``schema``)."""
    if sample is None and schema is None:
        raise InputError("the template needs the JSON's shape: give a sample (--sample) or a schema (--wsdl)")
    if sample is not None and not isinstance(sample, dict):
        raise InputError("the sample must be a JSON object: its keys become the elements of the operation")
    if sample is not None:
        check_json(sample, "$")
    shape = sample if sample is not None else _shape_of(schema, [])
    version = options.version
    namespaces = envelope_namespaces(options, schema)
    emitter = _Emitter(options, frozenset(namespaces))
    declarations = " ".join(f'xmlns:{prefix}="{emitter.attribute_text(uri)}"' for prefix, uri in namespaces.items())
    root = emitter.variable("m")
    emitter.lines.append(f"#set({root} = $input.path('$'))")
    emitter.lines.append('#set($nl = "\n")## a line break, for the lines below that start with $nl')
    scope = {**namespaces, "xml": XML_NAMESPACE}
    _Element(emitter, options.operation, root, ["$"], schema, scope).write(shape, "    ", operation=True)
    emitter.lines.extend([f"  </{ENVELOPE_PREFIX}:Body>", f"</{ENVELOPE_PREFIX}:Envelope>"])
    header = [
        f"## SOAP {version.name} request for {options.operation} ({options.namespace}), made by apigw soap template.",
        "## Values are escaped for XML by the macros; keys missing from the JSON are left out, nulls are xsi:nil.",
        MACROS.rstrip("\n"),
        *emitter.literals,
        XML_DECLARATION.rstrip("\n"),
        f"<{ENVELOPE_PREFIX}:Envelope {declarations}>",
        f"  <{ENVELOPE_PREFIX}:Body>",
    ]
    return "\n".join([*header, *emitter.lines]) + "\n"


def _shape_of(decl: ElementDecl | None, enclosing: list[int]) -> Any:
    """A sample built from a schema: one of each element, ``""`` for text. A recursive type
    is followed one level into itself, no deeper (give a sample as deep as the data to
    cover more)."""
    if decl is None or decl.children is None:
        return ""
    shape: dict[str, Any] = {f"@{name}": "" for name in decl.attributes}
    inside = [*enclosing, id(decl.children)]
    for child in decl.children:
        if child.children is not None and inside.count(id(child.children)) > 1:
            continue
        value = _shape_of(child, inside)
        shape[child.name] = [value] if child.repeats else value
    return shape


@dataclass
class _Element:
    """One element of the template: where its value is (a map variable and a JSON path)."""

    emitter: _Emitter
    key: str
    #: The VTL expression of the value (``$m1``, ``$m1.get('k')``, ``$e2``).
    value: str
    #: JSON path parts to the value, for ``$input.json`` (``['k']``, ``[$i2]``).
    path: list[str]
    decl: ElementDecl | None
    scope: dict[str, str]

    @property
    def json_path(self) -> str:
        return "".join(self.path)

    def tag(self, scope: dict[str, str]) -> str:
        """The element's name as written: its own prefix, or the one the envelope (or the
        JSON) declared for its namespace."""
        namespace, local, prefix = element_namespace(self.key, self.decl, self.emitter.options, scope, self.json_path)
        if prefix is not None or "" in scope or not namespace:
            return f"{prefix}:{local}" if prefix else local
        written = next(name for name, uri in scope.items() if uri == namespace and name != "")
        return f"{written}:{local}"

    def write(self, shape: Any, indent: str, *, inline: bool = False, operation: bool = False) -> None:
        """Write the element. Each line of output starts with ``$nl`` and ends with ``##``
        (which eats the template's own line break), and an object closes on a new line only
        if a child was written: an element with no child at run time is empty, as ``to-xml``
        writes it. ``inline`` (mixed content) writes no line breaks at all."""
        lines = self.emitter.lines
        declarations = namespace_declarations(shape, self.json_path, self.emitter.reserved)
        scope = {**self.scope, **declarations}
        tag = self.tag(scope)
        declared = "".join(
            f' xmlns{":" + prefix if prefix else ""}="{self.emitter.attribute_text(uri)}"'
            for prefix, uri in declarations.items()
        )
        open_line, close_line = ("", "") if inline else ("$nl" + indent, "##")
        if operation:
            open_line = indent
        if not isinstance(shape, dict):
            lines.append(f"{open_line}<{tag}{declared}>#xmltext({self.value})</{tag}>{close_line}")
            return
        plan = layout(shape, self.decl, self.json_path, [])
        for key in [*(name for name, _ in plan.attributes), *([plan.text_key] if plan.text_key else [])]:
            if isinstance(shape[key], dict | list):
                raise InputError(f"{self.json_path}['{key}']: an attribute or an element's text holds a scalar")
        attributes = "".join(self._attribute(key, name) for key, name in plan.attributes)
        start = f"<{tag}{declared}{attributes}>"
        if plan.text_key is not None and not inline:
            # Mixed content: nothing may come between the text and the children.
            mixed = _Emitter(
                self.emitter.options,
                self.emitter.reserved,
                counter=self.emitter.counter,
                literals=self.emitter.literals,
            )
            _Element(mixed, self.key, self.value, self.path, self.decl, self.scope).write(shape, "", inline=True)
            self.emitter.counter = mixed.counter
            lines.append(f"{open_line}{''.join(mixed.lines)}{close_line if not operation else ''}")
            return
        if plan.text_key is not None:
            lines.append(f"{start}#if({self.value}.containsKey('#text'))#xmltext({self.value}.get('#text'))#end")
        else:
            lines.append(f"{open_line}{start}{close_line}")
        written = self.emitter.variable("w")
        if not inline:
            lines.append(f"#set({written} = false)")
        for key, _, decl in plan.children:
            _Child(self.emitter, self, key, decl, scope, written, inline).write(shape[key], indent + "  ")
        if inline:
            lines.append(f"</{tag}>")
        else:
            lines.append(f"#if({written})$nl{indent}#end</{tag}>{'' if operation else '##'}")

    def _attribute(self, key: str, name: str) -> str:
        path = self.json_path + f"['{key}']"
        value = f"{self.value}.get('{key}')"
        present = f'{self.value}.containsKey(\'{key}\') && $input.json("{path}") != "null"'
        return f'#if({present}) {name}="#xmlattr({value})"#end'


@dataclass
class _Child:
    """A key of an object: present or not, null or not, one element or repeated. Writing
    anything sets the parent's ``written`` flag."""

    emitter: _Emitter
    parent: _Element
    key: str
    decl: ElementDecl | None
    scope: dict[str, str]
    written: str
    inline: bool

    def write(self, shape: Any, indent: str) -> None:
        """Directives start their lines, so that Velocity writes none of their indentation."""
        lines = self.emitter.lines
        parent = self.parent
        path = [*parent.path, f"['{self.key}']"]
        json_path = "".join(path)
        nil_tag = _Element(self.emitter, self.key, "", path, self.decl, self.scope).tag(
            {
                **self.scope,
                **namespace_declarations(shape if isinstance(shape, dict) else None, json_path, self.emitter.reserved),
            }
        )
        open_line, close_line = ("", "") if self.inline else ("$nl" + indent, "##")
        nil = f'{open_line}<{nil_tag} xsi:nil="true"/>{close_line}'
        lines.append(f"#if({parent.value}.containsKey('{self.key}'))")
        if isinstance(shape, list):
            item = self.emitter.variable("e")
            index = self.emitter.variable("i")
            lines.append(f'#if($input.json("{json_path}") == "null")')
            lines.append(self._mark() + nil)
            lines.append("#else")
            lines.append(f"#foreach({item} in {parent.value}.get('{self.key}'))")
            lines.append(f"#set({index} = $foreach.index)")
            if not self.inline:
                lines.append(f"#set({self.written} = true)")
            item_path = [*path, f"[{index}]"]
            lines.append(f'#if($input.json("{"".join(item_path)}") == "null")')
            lines.append(nil)
            lines.append("#else")
            item_element = _Element(self.emitter, self.key, item, item_path, self.decl, self.scope)
            item_element.write(_merged(shape, json_path), indent, inline=self.inline)
            lines.append("#end")
            lines.append("#end")
            lines.append("#end")
        else:
            if not self.inline:
                lines.append(f"#set({self.written} = true)")
            lines.append(f'#if($input.json("{json_path}") == "null")')
            lines.append(nil)
            lines.append("#else")
            if isinstance(shape, dict):
                variable = self.emitter.variable("m")
                lines.append(f"#set({variable} = {parent.value}.get('{self.key}'))")
            else:
                variable = f"{parent.value}.get('{self.key}')"
            _Element(self.emitter, self.key, variable, path, self.decl, self.scope).write(
                shape, indent, inline=self.inline
            )
            lines.append("#end")
        lines.append("#end")

    def _mark(self) -> str:
        """A null array is one nil element: it counts as written."""
        return "" if self.inline else f"#set({self.written} = true)"


def _merged(items: list[Any], where: str) -> Any:
    """The shape of an array's items: all of them merged (:func:`_merge`)."""
    if any(isinstance(item, list) for item in items):
        raise InputError(f"{where}: an array inside an array has no XML form; put the inner one in an object")
    if any(isinstance(item, dict) for item in items) and any(not isinstance(item, dict | None) for item in items):
        raise InputError(f"{where}: an array mixes objects and values; the template needs one shape for its items")
    shape: Any = None
    for item in items:
        shape = _merge(shape, item)
    return "" if shape is None else shape


def _merge(first: Any, second: Any) -> Any:
    """One shape for two values of a key: objects merged key by key (each new key placed
    before the next key both have), arrays item by item, a null replaced by the other."""
    if first is None:
        return second
    if isinstance(first, dict) and isinstance(second, dict):
        order = list(first)
        for position, key in enumerate(second):
            if key not in order:
                # Before the next key both objects have, so that keys keep their relative order.
                following = next((later for later in list(second)[position + 1 :] if later in order), None)
                order.insert(order.index(following) if following is not None else len(order), key)
        return {key: _merge(first.get(key), second.get(key)) for key in order}
    if isinstance(first, list) and isinstance(second, list):
        return [*first, *second]
    return first


def integration_settings(options: EnvelopeOptions, template: str, uri: str) -> dict[str, Any]:
    """An ``x-amazon-apigateway-integration`` object for the template: an HTTP integration
    that POSTs the envelope with SOAP's ``Content-Type`` (and ``SOAPAction`` for 1.1)."""
    if options.action is not None and ("'" in options.action or '"' in options.action):
        raise InputError(
            f"SOAPAction {options.action!r}: a quote cannot be carried in API Gateway's static header values"
        )
    headers = {"integration.request.header.Content-Type": f"'{options.version.content_type(options.action)}'"}
    if options.version.name == "1.1":
        headers["integration.request.header.SOAPAction"] = f"'\"{options.action or ''}\"'"
    return {
        "type": "http",
        "httpMethod": "POST",
        "uri": uri,
        "passthroughBehavior": "never",
        "requestParameters": headers,
        "requestTemplates": {"application/json": template},
        "responses": {"default": {"statusCode": "200"}},
    }
