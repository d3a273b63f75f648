"""Java values and operators as Velocity 1.7 evaluates them (spec §6.7), and the places where
API Gateway differs (spec §6.1). ``CASES`` are Velocity 1.7's own output (oracle);
``AWS_CASES`` are API Gateway's recorded behaviour."""

from __future__ import annotations

import pytest

from apigw_cli.errors import TemplateRenderError
from tests.helpers import json_request, render

CASES = [
    # Printing (spec §6.7).
    (
        "print-literals",
        '#set($m={"a":1,"b":"two"})#set($l=[1,"two",3.5])$m $l {} [] #set($e={})$e',
        "{a=1, b=two} [1, two, 3.5] {} [] {}",
    ),
    ("print-booleans", "#set($t = true)#set($f = 1 > 2)$t $f", "true false"),
    ("print-nested", '#set($m={"k":[1,2,{"z":1}]})$m', "{k=[1, 2, {z=1}]}"),
    (
        "print-doubles",
        "#set($a=2.0)#set($b=0.001)#set($c=0.0001)#set($d=1.0*10000000)#set($e=123456.789)$a $b $c $d $e",
        "2.0 0.001 1.0E-4 1.0E7 123456.789",
    ),
    # Arithmetic: integers stay integers, a double makes a double, / truncates, % takes the dividend's sign.
    (
        "arithmetic",
        "#set($a = 5 * 4 - 2)#set($b = 7 / 2)#set($c = -7 % 3)#set($d = 7.0 / 2)#set($e = 100.0 / 50)#set($f = -7 / 2)$a $b $c $d $e $f",
        "18 3 -1 3.5 2.0 -3",
    ),
    ("double-products", "#set($a = .5 * .1)#set($b = 0.1 + 0.2)$a $b", "0.05 0.30000000000000004"),
    (
        "overflow-widens",
        "#set($a=2147483647)#set($b=$a+1)#set($c=9223372036854775807)#set($d=$c+1)$b $d",
        "2147483648 9223372036854775808",
    ),
    (
        "division-by-zero-is-null",
        "#set($x=1)#set($x = 1/0)#set($y=1)#set($y = 1.0/0)#set($z=1)#set($z = 5%0)$x $y $z",
        "1 1 1",
    ),
    (
        "string-concatenation",
        '#set($x = "a" + 1)#set($y = 1 + "a")#set($w = "a" + true)#set($v = "a" + [1,2])#set($u = "a" + 1.0)$x $y $w $v $u',
        "a1 1a atrue a[1, 2] a1.0",
    ),
    ("concatenation-with-null", '#set($x = "a" + $nope)#set($y = $nope + "a")$x $y', "a$nope $nopea"),
    (
        "non-numbers-are-null",
        '#set($z = 1)#set($z = "a" - 1)#set($v = 1)#set($v = "3" * 2)#set($w = 1)#set($w = $nope + 1)$z $v $w',
        "1 1 1",
    ),
    # Equality: numbers by value, related classes by equals, the rest by toString.
    (
        "equality",
        '#if([1,2]==[1,2])A#end#if({"a":1}=={"a":1})B#end#if(1==1.0)C#end#if("1"==1)D#end#if(true=="true")E#end#if($u==$v)F#end#if(1=="1.0")G#end#if(1!=1)H#end',
        "ABCDEF",
    ),
    ("ordering", '#if(2>1.5)A#end#if("a"<"b")B#end#if(1 < "2")C#end#if(3 >= 3)D#end#if(2 le 1)E#end', "AD"),
    ("word-operators", "#if(1 eq 1 and 2 ne 3 or false)A#end#if(not false)B#end", "AB"),
    ("precedence", "#set($a = 2 + 3 * 4)#set($b = (2 + 3) * 4)#set($c = 10 - 4 - 3)$a $b $c", "14 20 3"),
    # Conditions: a literal or an arithmetic result as the whole condition is false in Velocity 1.7.
    (
        "literal-conditions",
        '#set($s="x")#if("abc")T#else F#end #if(0)T#else F#end #if($s)T#end #if(!"a")T#end #if($s + 1)T#else F#end',
        " F  F T T  F",
    ),
    ("non-null-references-are-true", '#set($e="")#set($z=0)#set($l=[])#if($e)e#end#if($z)z#end#if($l)l#end', "ezl"),
    ("boolean-results", "#set($b = 1 < 2)#set($n = !$b)#set($c = $b && $n)$b $n $c", "true false false"),
    # String methods (Java 8 java.lang.String).
    (
        "string-methods",
        '#set($s="Hello")$s.length() $s.charAt(1) $s.indexOf("l") $s.indexOf("l", 3) $s.lastIndexOf("l") $s.substring(1,3) $s.substring(3)',
        "5 e 2 3 3 el lo",
    ),
    (
        "string-case-and-tests",
        '#set($s=" Hello ")[$s.trim()] $s.toUpperCase() $s.toLowerCase() $s.contains("ell") $s.startsWith("He", 1) $s.endsWith("o ") $s.isEmpty() $s.empty',
        "[Hello]  HELLO   hello  true true true false false",
    ),
    (
        "string-replace",
        '#set($s="Hello")$s.replace("l","L") $s.replaceAll("l+","[$0]") $s.replaceFirst("l","_") $s.concat("!")',
        "HeLLo He[ll]o He_lo Hello!",
    ),
    (
        "string-regex",
        '#set($s="a1b22")$s.replaceAll("(\\d)", "<$1>") $s.matches("[a-z0-9]+") $s.matches("\\d+") $s.replaceAll("\\d", "\\$")',
        "a<1>b<2><2> true false a$b$$",
    ),
    (
        "string-compare",
        '#set($s="Hello")$s.compareTo("Hello") $s.compareTo("Help") $s.equals("Hello") $s.equalsIgnoreCase("hello") $s.hashCode()',
        "0 -4 true true 69609650",
    ),
    (
        "string-split",
        '#set($s="a,b,,c,,")$s.split(",").size() #foreach($x in $s.split(","))[$x]#end $s.split(",", -1).size() $s.split(",")[1] $s.split(",").get(0)',
        "4 [a][b][][c] 6 b a",
    ),
    ("string-utf16", '#set($s="a😀b")$s.length() $s.indexOf("b") $s.codePointAt(1)', "4 3 128512"),
    # List and map methods (java.util.ArrayList, LinkedHashMap).
    (
        "list-methods",
        '#set($l=[1,"b",2.5])$l.size() $l.get(1) $l[2] $l.contains("b") $l.indexOf(2.5) #set($d=$l.add(4))$l $l.remove(0) $l #set($d=$l.remove("b"))$l $l.isEmpty() $l.set(0,9) $l $l.subList(0,1) |$l.empty|$l.size',
        "3 b 2.5 true 2[1, b, 2.5, 4] 1 [b, 2.5, 4][2.5, 4] false 2.5 [9, 4] [9] |false|",
    ),
    ("list-remove-index", "#set($l=[1,2,3])$l.remove(1) $l", "2 [1, 3]"),
    ("negative-index-counts-from-the-end", "#set($l=[1,2,3])$l[-1] #set($l[-1] = 9)$l", "3[1, 2, 9]"),
    (
        "map-views-are-sets",
        '#set($m={"a":1,"b":2})[$m.keySet().get(0)][$m.keySet()[0]] $m.keySet().size() $m.keySet().contains("a") $m.values()',
        "[][] 2 true [1, 2]",
    ),
    (
        "characters-are-not-strings",
        '#set($s="abc")#set($c=$s.charAt(0))$c|$c.equals("a")|[$c.toUpperCase()]|#if($c == "a")eq#end',
        "a|false|[]|eq",
    ),
    (
        "double-int-value-saturates",
        "#set($d = 4294967282.0)$d.intValue() #set($l = 4294967282)$l.intValue()",
        "2147483647-14",
    ),
    ("decimal-range-bounds", "#set($d=2.7)#foreach($i in [1..$d])$i #end", "1 2 "),
    ("unicode-escapes-in-double-quotes", "#set($s = \"a\\u0041b\")$s #set($t = 'a\\u0041b')$t", "aAba\\u0041b"),
    (
        "self-containing-collections",
        "#set($m = {})#set($m.k = $m)$m #set($l = [])#set($ok = $l.add($l))$l",
        "{k=(this Map)}[(this Collection)]",
    ),
    ("hash-codes", "#set($i = 5)#set($b = true)$i.hashCode() $b.hashCode() $b.compareTo(false)", "5 1231 1"),
    (
        "map-methods",
        '#set($m={"a":1})#set($ok=$m.put("b",2))<$ok> $m #set($o=$m.remove("a"))<$o> $m <$m.get("zz")> <$m.zz> $m.containsKey("b") $m.keySet() $m.values() $m.entrySet() $m.size() #foreach($e in $m.entrySet())$e.key:$e.value;$e.getKey()#end $m.isEmpty() <$m.empty> $m.containsValue(2)',
        "<> {a=1, b=2}<1> {b=2} <> <> true [b] [2] [b=2] 1 b:2;b false <> true",
    ),
    (
        "number-methods",
        "#set($i=5)$i.toString() $i.doubleValue() $i.intValue() #set($f=2.5)$f.intValue() $f.toString() $f.longValue()",
        "5 5.0 52 2.5 2",
    ),
]


@pytest.mark.parametrize(("template", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_velocity_java_semantics(template: str, expected: str) -> None:
    assert render(template) == expected


AWS_CASES = [
    # spec §6.1: null and undefined references are true in a condition on API Gateway [rec].
    ("undefined-is-true", "#if($undefined)yes#end#if(!$undefined)no#end", "yes"),
    ("formal-chain-is-true", "#if(${a.b.c})yes!#end", "yes!"),
    ("false-is-false", "#set($f = false)#if($f)yes#else no#end", " no"),
    # The same rule where a reference condition is compiled in line (a first branch) and as a
    # closure (#elseif): only a real false is false; "", 0 and [] are true.
    (
        "only-false-is-false",
        '#set($e = "")#set($z = 0)#set($l = [])#set($f = false)'
        "#if($e)e#end#if($z)z#end#if($l)l#end#if($f)f#end#if($nope)n#end"
        "#if(false)#elseif($nope)N#end#if(false)#elseif($f)F#else!F#end",
        "ezlnN!F",
    ),
    # spec §6.1, conformance ls-input-path-empty-body: null equals both $null and "".
    (
        "null-equals-empty",
        '#set($r = $input.path("$.missing"))#if($r == $null)N#end#if($r == "")E#end#if($r != "x")X#end',
        "NEX",
    ),
]


@pytest.mark.parametrize(
    ("template", "expected"), [case[1:] for case in AWS_CASES], ids=[case[0] for case in AWS_CASES]
)
def test_api_gateway_null_rules(template: str, expected: str) -> None:
    assert render(template, json_request('{"a": 1}')) == expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ('#set($s="x")$s.substring(5)', "StringIndexOutOfBoundsException: begin 5, end 1, length 1"),
        ("#set($l=[1])$l.get(9)", "IndexOutOfBoundsException: Index 9 out of bounds for length 1"),
        ("#set($l=[1])$l[-2]", "IndexOutOfBoundsException"),
        ('#set($s="x")$s.matches("(")', "PatternSyntaxException"),
        ("#set($l=[1,2,3])#foreach($i in $l)#set($d=$l.add(9))#end", "ConcurrentModificationException"),
        ('#set($s="x")$s.contains($nope)', "NullPointerException"),
    ],
)
def test_java_exceptions_fail_the_render(template: str, message: str) -> None:
    with pytest.raises(TemplateRenderError, match=message):
        render(template)
