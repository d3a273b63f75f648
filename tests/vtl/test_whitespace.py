"""Velocity 1.7's lexer decides what prints around directives, and API Gateway prints exactly
that (spec §6.1: Velocity 1.7 reproduces AWS byte for byte on 182 of 198 recorded cases; the
rest differ only by null conditions). Every expectation here is Velocity 1.7's output, read
from the oracle (shared/oracle) or quoted in the spec."""

from __future__ import annotations

import pytest

from tests.helpers import render

CASES = [
    # A directive that ends its line eats the line break (spec §6.1).
    ("if-eats-break", "A\n#if(true)  \t\nX#end\nY", "A\nXY"),
    ("if-else-end-eat-breaks", "A\n#if(true)  \nX\n#else  \nE\n#end  \nY", "A\nX\nY"),
    ("set-eats-break", "#set($a=1)  \t\nZ", "Z"),
    ("foreach-eats-break", "#foreach($i in [1,2])  \n$i\n#end\n", "1\n2\n"),
    ("crlf-after-if", "#if(true)\t\r\nCR#end|", "CR|"),
    ("elseif-eats-break", "#if(false)a#elseif(true)  \nb#end", "b"),
    ("macro-call-eats-break", "#macro(m $x)[$x]#end\n#m(1)  \nZ #m(2)\nQ", "[1]Z [2]Q"),
    ("no-break-no-eating", "#if(true) x #end y", " x  y"),
    # Indentation before #if/#else/#end prints, as part of the block it stands in (spec §6.1).
    ("indent-before-else", "#if(true)\nT\n  #else\nF\n#end\nZ", "T\n  Z"),
    # Spaces before #set are eaten unless plain text precedes them on their line (spec §6.1).
    ("set-at-start", "  #set($a=1)x", "x"),
    ("set-after-text", "a  #set($a=1)x", "a  x"),
    ("set-after-reference", "#set($v=1)div=$v #set($y=2)d", "div=1d"),
    ("set-after-set", "#set($a=1)  #set($b=2)  y", "  y"),
    ("set-after-line-of-text", "A\n  #set($y=1)\n  c", "A\n    c"),
    ("set-indented-at-start", "  #set($y=1)\n  c", "  c"),
    ("set-after-newline-after-reference", "$a\n  #set($b=1)x", "\n  x"),
    ("set-after-directive-line", "#if(true)\n  #set($b=1)x#end", "x"),
    ("set-after-comment", "#* c *#  #set($b=1)x", "x"),
    ("set-after-end", "#if(true) x #end  #set($b=1)y", " x y"),
    ("set-after-backslash", "a\\  #set($x=1)c", "a\\c"),
    ("set-after-lone-dollar", "100$  #set($b=1)x", "100x"),
    ("set-after-lone-hash", "a#  #set($b=1)x", "ax"),
    ("tab-before-set", "\t #set($b=1)y", "y"),
    ("braced-set", "x#{set}($c=1)y", "xy"),
    ("braced-set-at-start", "  #{set}($c=1)y", "y"),
    # Comments (spec §6.1).
    ("line-comment-eats-break", "## c  \nZ", "Z"),
    ("block-comment-keeps-break", "#* c *#  \nZ", "  \nZ"),
    ("unclosed-block-comment", "x#* abc", "x"),
    # Neither template nor output is trimmed (spec §6.1).
    ("trailing-space-kept", "Hello $ ", "Hello $ "),
    ("two-spaces-around-null", " $user.name ", "  "),
    ("space-then-size", "#set($foo = [1,2,3]) $foo.size()", " 3"),
]


@pytest.mark.parametrize(("template", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_velocity_whitespace(template: str, expected: str) -> None:
    assert render(template) == expected
