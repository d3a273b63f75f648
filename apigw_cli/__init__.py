"""apigw: a workbench for Amazon API Gateway REST integrations.

The library knows nothing of the terminal; ``apigw_cli.cli`` is the thin command layer.
The small public API is importable from here; it loads on first use, so importing the
package (as the CLI does for ``--version``) stays cheap.

>>> from apigw_cli import Request, compile_template, render_template
>>> template = compile_template("Hello $input.params('name')", "hello.vtl")
>>> render_template(template, Request(query={"name": ["Ada"]})).output
'Hello Ada'
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

#: Public name → module that defines it (and the name there, where it differs).
_PUBLIC: dict[str, str | tuple[str, str]] = {
    "compile_template": "apigw_cli.vtl.engine",
    "render_template": "apigw_cli.render",
    "invoke_integration": ("apigw_cli.invoke", "invoke"),  # "invoke" alone is the module
    "InvokeOptions": "apigw_cli.invoke",
    "load_integration": "apigw_cli.definitions.integration",
    "read_request_file": "apigw_cli.samples",
    "read_response_file": "apigw_cli.samples",
    "Request": "apigw_cli.models",
    "Response": "apigw_cli.models",
    "RenderResult": "apigw_cli.models",
    "InvokeResult": "apigw_cli.models",
    "ApigwError": "apigw_cli.errors",
    "ExitStatus": "apigw_cli.errors",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    where = _PUBLIC.get(name)
    if where is None:
        raise AttributeError(f"module 'apigw_cli' has no attribute {name!r}")
    module, attribute = where if isinstance(where, tuple) else (where, name)
    return getattr(import_module(module), attribute)
