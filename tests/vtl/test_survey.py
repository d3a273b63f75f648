"""What the compiler reads off a template before it runs (``vtl/survey.py``): whether every
step takes time bounded by its data, so that a render sets no deadline timer, and which
``$context`` keys it reads, so that a render makes only those."""

from __future__ import annotations

import pytest

from apigw_cli.vtl.parser import parse_template
from apigw_cli.vtl.survey import survey

BOUNDED = [
    # bench/templates/passthrough.vtl, the usual request template
    '{"id": "$input.path(\'$.id\')", "name": "$util.escapeJavaScript($input.path(\'$.name\'))",'
    ' "tags": $input.json(\'$.tags\'), "stage": "$context.stage"}',
    "#foreach($item in $input.path('$.items[*]'))$item.name.toUpperCase()#if($foreach.hasNext),#end#end",
    "#if($input.params('id') == '7' && !$input.body.isEmpty())$input.json(\"$.a['b'][0]\")#else-#end",
    "#foreach($i in [1..3])$i#end$input.path('$').keySet().size()",
    "$input.body.replace('&', '&amp;').substring(1) $util.parseJson($input.body).get('a')",
    "#set($root = $input.path('$'))#foreach($i in [1..3])#set($s = \"$!s$root.a\")#end$s.length()",
]

UNBOUNDED = [
    "$input.body.matches('(a|aa)+')",  # a regular expression may backtrack for ever
    "$input.body.replaceAll('a+', '')",
    "$input.body.replaceFirst('a+', '')",
    "$input.body.split(',')",
    "$input.path('$.a').containsAll($input.path('$.b'))",  # quadratic
    "$input.path('$..a')",  # a deep scan, which a filter can nest
    "$input.json('$.items[?(@.price > 1)]')",
    "$input.json('$[0,0][0,0].x')",  # a union selects a node again: each one doubles the nodes
    "$input.path($input.params('p'))",  # a path the template does not spell out
    "#set($o = $input.path('$'))#set($o.self = $o)",  # a map holding itself
    "$input.path('$').put('self', $input.path('$'))",
    "#foreach($i in [$input.body, $input.body])$i#end",
    "#if({'a': 1})x#end",
    "#macro(m)x#end#m()",
    "#define($d)x#end$d",
    "#evaluate($input.body)",
]


@pytest.mark.parametrize("template", BOUNDED)
def test_templates_of_linear_steps_are_bounded(template: str) -> None:
    assert survey(parse_template(template, "t")).bounded_steps


@pytest.mark.parametrize("template", UNBOUNDED)
def test_templates_with_a_step_that_may_run_for_ever_are_not(template: str) -> None:
    assert not survey(parse_template(template, "t")).bounded_steps


@pytest.mark.parametrize(
    ("template", "keys"),
    [
        ("$context.requestId $context.stage", {"requestId", "stage"}),
        ('"${context.identity.sourceIp}"#if($context.path)#end', {"identity", "path"}),
        (
            "#set($context.requestOverride.header.X = 1)$!context.authorizer.claims.sub",
            {"requestOverride", "authorizer"},
        ),
        ("#foreach($k in $input.path('$.keys'))$context[$k]#end", None),
        ("$context", None),
        ("$context.keySet()", None),
        ("#set($c = $context)$c.stage", None),
        ("#macro(m $c)$c.stage#end#m($context)", None),
        ("$context.stage#evaluate('$context.requestId')", None),
        ("no context at all", set()),
    ],
)
def test_the_context_keys_a_template_reads(template: str, keys: set[str] | None) -> None:
    found = survey(parse_template(template, "t")).context_keys
    assert found == (None if keys is None else frozenset(keys))
