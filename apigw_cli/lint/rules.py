"""The rules ``apigw lint`` applies: a stable id, a level, what it finds and why it matters.
The README's rules table lists the same; a test keeps the two equal."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"
LEVELS = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    #: Static (read from the text) or dynamic (seen while rendering a sample).
    kind: str
    summary: str
    why: str


_ALL = (
    Rule("unreadable", ERROR, "static", "a file that cannot be read, or a definition that does not load",
         "the other files are still linted; this one is not."),
    Rule("syntax-error", ERROR, "static", "the template does not parse",
         "API Gateway refuses to save a template it cannot parse, or fails every call with 500."),
    Rule("json-in-string", ERROR, "static", "$input.json(...) inside a JSON string literal",
         "$input.json returns JSON text, quotes included: \"$input.json('$.a')\" gives \"\"x\"\", invalid JSON."),
    Rule("unquoted-text", WARNING, "static", "a text value placed in JSON without quotes",
         "$input.params, $stageVariables and most $context values are text; unquoted they make the JSON invalid "
         "(use \"...\" around them, or $input.json for request data)."),
    Rule("escape-js-quote", WARNING, "static", "$util.escapeJavaScript inside a JSON string without the quote fix",
         "escapeJavaScript turns ' into \\', which is not a valid JSON escape; append "
         ".replaceAll(\"\\\\'\", \"'\")."),
    Rule("params-null", WARNING, "static", "$input.params(...) compared with null",
         "a missing parameter is an empty string on AWS, not null; compare with \"\" to say what you mean."),
    Rule("unknown-member", ERROR, "static", "a $context, $util or $input member that does not exist",
         "AWS prints nothing (null) for a misspelt member: the output silently loses a value."),
    Rule("unknown-method", ERROR, "static", "a method Java does not have (.upper(), .strip()...)",
         "API Gateway's VTL runs Java: a Python method name gives null and prints nothing."),
    Rule("foreach-input", INFO, "static", "#foreach over request or response data",
         "API Gateway stops a #foreach after 1,000 items without an error; larger inputs are cut silently."),
    Rule("unused-set", WARNING, "static", "a #set variable that is never used",
         "usually a typo in the name used later, which then prints nothing."),
    Rule("unsupported-directive", ERROR, "static", "#include, #parse or #evaluate",
         "API Gateway's VTL has no files to include and does not evaluate text: the directive fails on AWS."),
    Rule("render-error", ERROR, "dynamic", "rendering a sample fails",
         "API Gateway answers 500 (or 400 for a body it cannot parse) for the same request."),
    Rule("invalid-output", ERROR, "dynamic", "the rendered output does not parse as its content type",
         "a backend or client gets a body it cannot read; API Gateway does not check it for you."),
    Rule("duplicate-json-key", ERROR, "dynamic", "the rendered JSON has a key twice in one object",
         "parsers keep either the first or the last: the result depends on who reads it."),
    Rule("foreach-limit-reached", ERROR, "dynamic", "a #foreach reached AWS's 1,000-item limit",
         "the items after the 1,000th are not rendered on AWS, and no error says so."),
    Rule("null-member", WARNING, "dynamic", "rendering read a member no allow-list knows (null on AWS)",
         "apigw's engine differs from AWS here only if Java has this member: check the name."),
    Rule("foreach-not-iterable", WARNING, "dynamic", "#foreach over something that is not a list or map",
         "the loop runs zero times, silently."),
    Rule("no-integration", ERROR, "check", "a method without an integration",
         "AWS answers every call with 500 Internal server error."),
    Rule("passthrough-415", WARNING, "check", "a content type the method takes that passthrough refuses",
         "with passthroughBehavior NEVER (or WHEN_NO_TEMPLATES and other templates) AWS answers 415."),
    Rule("mock-status", ERROR, "check", "a MOCK request template that yields no integer statusCode",
         "AWS answers 500: a MOCK integration selects its response by that statusCode."),
    Rule("model-mismatch", ERROR, "check", "a method response that does not fit its model",
         "clients and SDKs generated from the API's models expect the documented shape."),
    Rule("unreachable-response", WARNING, "check", "an integration response no status or message selects",
         "its mapping never runs: usually a pattern that cannot match, or a catch-all before it."),
    Rule("shadowed-pattern", WARNING, "check", "a selection pattern that earlier patterns shadow",
         "AWS picks the first matching pattern; a later one that matches only what earlier ones take never applies."),
    Rule("engine-difference", INFO, "dynamic", "rendering touched a construct where apigw may differ from AWS",
         "apigw follows Velocity 1.7 plus AWS's recorded behaviour; this construct is not recorded (see the README)."),
)  # fmt: skip
RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}
