"""Compiled bodies are shared by text; errors name the template they happened in."""

from __future__ import annotations

import pytest

from apigw_cli.errors import TemplateRenderError
from apigw_cli.render import render_in_scope, request_scope
from apigw_cli.samples import request_from_mapping
from apigw_cli.vtl.context import Identity
from apigw_cli.vtl.engine import compile_template


def test_the_same_text_under_two_names_reports_each_name() -> None:
    text = "#set($s = 'abc')\n$s.substring(9)"
    for name in ("first.vtl", "second.vtl"):
        with pytest.raises(TemplateRenderError) as raised:
            compile_template(text, name).render({})
        assert raised.value.location == f"{name}:2:4"


def test_a_define_block_printed_by_another_template_names_its_own() -> None:
    scope = request_scope(request_from_mapping({"method": "POST"}, "request"), Identity.deterministic())
    request_template = compile_template(
        "#define($d)\n#set($s = 'abc')$s.substring(9)#end#set($context.requestOverride.header.blk = $d)",
        "request.vtl",
    )
    render_in_scope(request_template, scope)
    response_template = compile_template("$context.requestOverride.header.blk", "response.vtl")
    with pytest.raises(TemplateRenderError) as raised:
        render_in_scope(response_template, scope)
    assert raised.value.name == "request.vtl"
