"""Directives, references, escapes and errors: Velocity 1.7's behaviour (oracle, spec §6.1)
with API Gateway's null rules."""

from __future__ import annotations

import pytest

from apigw_cli.errors import TemplateRenderError, TemplateSyntaxError
from apigw_cli.vtl.engine import compile_template
from tests.helpers import render

CASES = [
    # References: null and undefined print as empty text on AWS (spec §6.1).
    ("undefined-is-empty", "[$nope][$!nope][${nope}][$!{nope}][$nope.a.b()]", "[][][][][]"),
    ("not-references", "$1 $- $$ $. cost: 5$ ", "$1 $- $$ $. cost: 5$ "),
    ("lone-symbols-in-strings", '#set($a = "x$")$a|#set($b = "x#")$b', "x$|x#"),
    ("trailing-dot", '#set($s="v")$s. ${s}x', "v. vx"),
    ("hyphen-in-name", "#set($a=5)[$a-1]", "[]"),
    ("underscore-names", "#set($_a = 1)$_a|$_|$a_b", "1||"),
    ("root-call-is-text", '#set($a = "x")$a(1)|$a (1)|${a}(2)|$a.length()', "x(1)|x (1)|x(2)|1"),
    # A null receiver ends the reference: its call's arguments are not evaluated (oracle).
    (
        "null-receiver-skips-arguments",
        "#set($l = [])[$nope.foo($l.add(1))][$l.size()][$l.foo($l.add(2))][$l]",
        "[][0][][[2]]",
    ),
    ("index-notation", '#set($m={"a":{"b":[1,{"c":2}]}})$m.a.b[1].c $m["a"]["b"][0] $m.get("a").b.get(1)', "2 1 {c=2}"),
    # Escapes: a backslash before a reference or directive escapes it (Velocity 1.7).
    ("escaped-undefined", "\\$x|\\\\$x|\\\\\\$x|\\\\\\\\$x", "\\$x|\\|\\\\$x|\\\\"),
    ("escaped-defined", '#set($s="v")\\$s|\\\\$s|\\\\\\$s', "$s|\\v|\\$s"),
    ("escaped-formal", '#set($s="v")\\${s}|\\$!s|\\$s.length()', "${s}|$!s|$s.length()"),
    ("escaped-directive", "\\#end \\#else \\#foo \\#{if} \\## x", "#end #else \\#foo #{if} \\"),
    ("escaped-if-even", "\\\\#if(true)y#end", "\\y"),
    ("backslashes-in-text", "a\\b\\\\c\\", "a\\b\\\\c\\"),
    ("unparsed-content", "#[[ $a #if ]]#|", " $a #if |"),
    # Directives.
    ("not-directives", "#endif #iffy #ends #elsex #set x", "#endif #iffy #ends #elsex #set x"),
    ("else-glued-is-text", "#if(true)a#elseb#end", "a#elseb"),
    ("curly-forms", "#{if}(true)T#{else}F#{end}|#if (true)S#end", "T|S"),
    ("elseif-chain", "#set($n=2)#if($n==1)one#elseif($n==2)two#elseif($n==2)again#else many#end", "two"),
    (
        "foreach-scope",
        "#foreach($i in [1,2])$foreach.index$foreach.count$foreach.first$foreach.last$foreach.hasNext;#end",
        "01truefalsetrue;12falsetruefalse;",
    ),
    (
        "nested-foreach",
        "#foreach($i in [1,2])#foreach($j in [7,8])$foreach.index$foreach.parent.index$velocityCount,#end#end",
        "001,102,011,112,",
    ),
    ("scope-gone-after-loop", "#foreach($i in [1])#end[$foreach.index][$velocityCount][$i]", "[][][]"),
    ("loop-variable-restored", '#set($i="outer")#foreach($i in [1,2])$i#end[$i]', "12[outer]"),
    ("set-in-loop-is-overwritten", "#foreach($i in [1,2])#set($i = 7)$i#end[$i]", "77[]"),
    ("foreach-map-values", '#foreach($v in {"a":1,"b":2})$v#end', "12"),
    ("foreach-non-lists", '#foreach($i in $nope)x#end|#foreach($c in "abc")[$c]#end|#foreach($n in 5)[$n]#end', "||"),
    ("foreach-ranges", "#foreach($i in [3..1])$i#end|#foreach($i in [1..1])$i#end", "321|1"),
    ("range-only-in-expressions", "[1..3] #set($r=[1..3])$r", "[1..3] [1, 2, 3]"),
    ("break-in-if", "#foreach($i in [1..5])#if($i==3)#break#end$i#end", "12"),
    ("break-outside-loop-ends-template", "a #break\nb", "a "),
    ("stop", "hello #stop world", "hello "),
    # #set.
    ("set-null-keeps-old-value", '#set($x = 5)#set($x = $nope)$x|#set($m={"a":1})#set($m.a = $nope)$m', "5|{a=1}"),
    ("set-members", '#set($m={})#set($m.a = 1)#set($m["b"] = 2)$m #set($l=[1,2])#set($l[0]="x")$l', "{a=1, b=2}[x, 2]"),
    ("set-missing-holder", "#set($m={})#set($m.c.d = 3)$m", "{}"),
    ("null-literal", "#set($m={})#set($ignore = $m.put('k', null))[$m.k]", "[]"),
    # Macros: call before definition, by-name arguments, first definition wins (Velocity 1.7).
    ("macro-before-definition", "#m(1)\n#macro(m $x)<$x>#end\n#m(2)", "<1><2>"),
    ("macro-arguments", "#macro(m2 $a $b)[$a$b]#end#m2(1 2)#m2(1,2)#m2( 3 , 4 )#m2()", "[12][12][34][]"),
    ("macro-by-name", "#macro(m $a)$a$a#end#set($l=[])#m($l.add(1))$l", "truetrue[1, 1]"),
    ("macro-first-wins", "#macro(m)A#end#macro(m)B#end#m()", "A"),
    ("macro-sets-global", "#set($c=0)#macro(inc)#set($c=$c+1)#end#inc()#inc()$c", "2"),
    ("macro-parameter-is-local", "#macro(p $a)#set($a=5)$a#end#set($q=1)#p($q)$q", "51"),
    ("unknown-macro-is-text", '#nomacro(1) #nomacro( $a "x" )|#nomacro|', '#nomacro(1) #nomacro( $a "x" )|#nomacro|'),
    ("recursive-macro", "#macro(r $n)#if($n > 0)$n#set($m = $n - 1)#r($m)#end#end#r(3)", "321"),
    # #define and #evaluate.
    ("define-renders-late", "#define( $d )D$x#end#set($x=1)$d#set($x=2)$d|$d()", "D1D2|D2()"),
    ("evaluate", '#evaluate("#set($q=5)$q")|$q', "5|5"),
    # String literals.
    ("interpolation", '#set($n="Rex")#set($s="Hi $n!")$s', "Hi Rex!"),
    ("single-quotes-are-literal", "#set($n='Rex')#set($s='Hi $n\\n')$s", "Hi $n\\n"),
    ("doubled-quotes", '#set($s="a ""b"" c")$s|#set($t=\'It\'\'s\')$t', 'a "b" c|It\'s'),
]


@pytest.mark.parametrize(("template", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_velocity_semantics(template: str, expected: str) -> None:
    assert render(template) == expected


SYNTAX_ERRORS = [
    ("#set($x = )", 1, 11, "expected expression"),
    ("ok\n#if($a)x", 2, 1, "#if is never closed by #end"),
    ("#end", 1, 1, "#end without a matching block directive"),
    ("#if x#end", 1, 4, "expected '(' after #if"),
    ("a #foreach($x in)", 1, 11, "expected ($item in $list)"),
    ("#else", 1, 1, "#else without a matching #if"),
    ("${a", 1, 4, "expected }"),
    ('#include("x.vtl")', 1, 1, "#include is not available"),
    ("#parse('x.vtl')", 1, 1, "#parse is not available"),
    ("#if(TRUE)t#end", 1, 5, "is not a literal"),
    ("#[[x", 1, 1, "#[[ is never closed"),
    ("cost: 5$", 1, 8, "ends with a lone '$'"),
    ("x$!", 1, 2, "ends with a lone '$!'"),
    ("issue #", 1, 7, "ends with a lone '#'"),
]


@pytest.mark.parametrize(("template", "line", "column", "message"), SYNTAX_ERRORS)
def test_syntax_errors_name_line_and_column(template: str, line: int, column: int, message: str) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        compile_template(template, "t.vtl")
    error = caught.value
    assert (error.name, error.line, error.column) == ("t.vtl", line, column)
    assert message in error.message
    assert error.excerpt().splitlines()[-1] == " " * (column - 1) + "^"


def test_render_errors_carry_the_position_of_the_failing_call() -> None:
    with pytest.raises(TemplateRenderError) as caught:
        render('#set($s="x")\n  $s.substring(5)')
    error = caught.value
    assert (error.line, error.column) == (2, 6)
    assert "StringIndexOutOfBoundsException: begin 5, end 1, length 1" in error.message


def test_a_compiled_template_renders_many_times_without_sharing_state() -> None:
    template = compile_template("#set($l = [])#set($ok = $l.add($n))$l", "t")
    assert template.render({"n": 1}).output == "[1]"
    assert template.render({"n": 2}).output == "[2]"
    assert compile_template("#set($l = [])#set($ok = $l.add($n))$l", "t") is template


def test_unknown_method_prints_nothing_and_warns() -> None:
    outcome = compile_template('#set($s = "a")[$s.upper()]', "t").render({})
    assert outcome.output == "[]"
    assert [str(warning) for warning in outcome.warnings] == [
        "1:19: String has no method 'upper'; API Gateway returns null here"
    ]


@pytest.mark.parametrize(
    ("template", "column", "message"),
    [
        ("#if($)#end", 5, "expected a name after '$'"),
        ("#set($a = $)", 11, "expected a name after '$'"),
        ('aaaaaaaaaa #set($y = "#set($x = )")', 33, "expected expression"),  # inside a string literal
    ],
)
def test_expression_errors_point_at_the_place(template: str, column: int, message: str) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        compile_template(template, "t.vtl")
    assert (caught.value.line, caught.value.column) == (1, column)
    assert message in caught.value.message


def test_errors_in_evaluated_text_are_located_at_the_evaluate() -> None:
    with pytest.raises(TemplateRenderError) as caught:
        render("#set($s = 'x')x\n  #evaluate('a\n$s.substring(5)')")
    assert (caught.value.name, caught.value.line, caught.value.column) == ("test.vtl", 2, 3)
    assert "in the text of #evaluate, line 2, column" in caught.value.message
    with pytest.raises(TemplateRenderError, match="in the text of #evaluate, line 1, column 11: expected expression"):
        render("#evaluate('#set($x = )')")


def test_carriage_returns_are_kept() -> None:
    assert render("a\r\nb #if(true)\r\nc#end") == "a\r\nb c"


def test_a_call_site_runs_each_receiver_s_own_method_whatever_came_before() -> None:
    """A call site keeps how its last receiver's type runs the call: a string after a list
    has no size() (null), a map after it its own."""
    template = "#foreach($x in [[1, 2], 'abc', {'a': 1}, 'de', [3]])[$x.size()]#end"
    assert render(template) == "[2][][1][][1]"
