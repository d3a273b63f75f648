"""Limits and hostile templates, through the command line: each gives its documented error
(one line, exit 4 or 5), never a hang, a traceback or runaway memory."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cli.cli import app
from apigw_cli.errors import ExitStatus

#: name → (template, exit status, text of the one-line error).
HOSTILE = {
    "template over 300 KB": ("x" * (300 * 1024 + 1), ExitStatus.SANDBOX, "API Gateway takes mapping templates up to 300 KB"),
    "#foreach past its limit": ("#foreach($i in [1..2000])#end$i", ExitStatus.OK, ""),
    "loop passes over the render's limit": (
        "#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..2])#end#end#end",
        ExitStatus.SANDBOX, "loop",
    ),
    "string doubling (billion laughs)": ("#set($s = 'ab')" + "#set($s = \"$s$s\")" * 40 + "$s", ExitStatus.SANDBOX, ""),
    "recursion through a macro": ("#macro(r $n)#r($n)#end#r(1)", ExitStatus.SANDBOX, ""),
    "recursion through #define": ("#define($d)$d#end$d", ExitStatus.SANDBOX, ""),
    "a huge range": ("#set($r = [1..100000000])$r.size()", ExitStatus.SANDBOX, "range"),
    "reaching Python internals": ("$input.__class__.__mro__", ExitStatus.SANDBOX, "not accessible from a template"),
    "Java reflection": ("$input.body.getClass().forName('java.lang.Runtime')", ExitStatus.SANDBOX, "getClass"),
    "#parse of a file": ("#parse('/etc/passwd')", ExitStatus.TEMPLATE, "not available in API Gateway"),
    "a backtracking regex": ("#set($s = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')$s.matches('(a+)+b')", ExitStatus.SANDBOX, ""),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_limit_gives_its_documented_error(name: str, tmp_path: Path) -> None:
    template, status, message = HOSTILE[name]
    path = tmp_path / "t.vtl"
    path.write_text(template, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    result = CliRunner().invoke(app, ["render", str(path)])
    assert time.monotonic() - started < 15  # the render deadline is 10 s
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 600
    assert result.exit_code == status, (result.stdout[:200], result.stderr)
    if status != ExitStatus.OK:
        assert result.stderr.startswith(f"apigw: error: {path}:") and "Traceback" not in result.stderr
        assert message.lower() in result.stderr.lower()


def test_long_chains_references_and_flat_templates_compile() -> None:
    """Generated code must not hit Python's own nesting or memory limits (review of issue 12)."""
    from apigw_cli.vtl.engine import compile_template

    chain = "#if($b == -1)a" + "".join(f"#elseif($b == {index}){index}" for index in range(6000)) + "#end"
    assert compile_template(chain, "chain.vtl").render({"b": 5999}).output == "5999"
    flat = "$a" * 20_000
    assert compile_template(flat, "flat.vtl").render({"a": "x"}).output == "x" * 20_000
    long_reference = "$a" + ".b" * 100  # the parser takes about 140 steps
    assert compile_template(long_reference, "long.vtl").render({"a": {}}).output == ""
    nested_calls = "$s.concat(" * 12 + "'x'" + ")" * 12
    assert compile_template(nested_calls, "nested.vtl").render({"s": ""}).output == "x"
