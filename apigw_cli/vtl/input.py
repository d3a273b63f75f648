"""``$input``: the payload and parameters a mapping template reads (spec §6.3, §12.8-9).

In a request template the payload is the method request's body; in a response template it
is the integration response's body, while ``params()`` still describe the method request.
The body is parsed as JSON at most once per render, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from apigw_cli.models import find_header
from apigw_cli.vtl.methods import JavaException, NoSuchMethod
from apigw_cli.vtl.sandbox import TemplateObject
from apigw_cli.vtl.values import parse_json_text, to_json_text

if TYPE_CHECKING:
    from apigw_cli.vtl.jsonpath import CompiledPath

_UNPARSED = object()
_ALL = object()  # params() without an argument
#: JSONPaths compiled so far, by text. The first imports the JSONPath parser: a template that
#: reads no path (``params()``, ``body``) starts without it.
_PATHS: dict[str, CompiledPath] = {}
_MAX_PATHS = 1024


class Input(TemplateObject):
    """``$input``. VTL names keep API Gateway's spelling (``vtl_methods``), do not rename."""

    __slots__ = ("_body", "_document", "_path", "_query", "_headers")
    java_class_name = "Input"
    vtl_methods: ClassVar[dict[str, str]] = {
        "json": "json",
        "path": "path",
        "params": "params",
        "getBody": "body",
    }
    vtl_properties: ClassVar[dict[str, str]] = {"body": "body"}

    def __init__(
        self,
        body: str,
        path: dict[str, str],
        query: dict[str, str],
        headers: dict[str, str],
    ) -> None:
        """``body`` is what ``$input.body`` prints (an empty JSON body is already ``{}``)."""
        self._body = body
        self._document: Any = _UNPARSED
        self._path = path
        self._query = query
        self._headers = headers

    def body(self) -> str:
        return self._body

    def document(self) -> Any:
        """The body as JSON for JSONPath: text not starting like JSON is one string value;
        text that starts like JSON but does not parse is API Gateway's 400 (spec §6.1)."""
        if self._document is _UNPARSED:
            stripped = self._body.lstrip()
            if not stripped.startswith(("{", "[")):
                self._document = self._body
            else:
                try:
                    self._document = parse_json_text(self._body)  # arrays are JSONArrays as parsed
                except RecursionError:
                    raise JavaException("InvalidJsonException", "the body nests too deeply to read as JSON") from None
                except ValueError as exc:
                    raise JavaException(
                        "InvalidJsonException",
                        f"the body is not valid JSON ({exc}); API Gateway answers "
                        '400 {"message": "Could not process payload"}',
                    ) from exc
        return self._document

    def path(self, path: Any) -> Any:
        """``$input.path(x)``: the match as a template value (maps, lists, strings...); an
        indefinite path's matches are a JSONArray."""
        if not isinstance(path, str):
            raise NoSuchMethod
        compiled = _PATHS.get(path) or _compiled(path)
        document = self._document
        return compiled.apply(self.document() if document is _UNPARSED else document)

    def json(self, path: Any) -> str:
        """``$input.json(x)``: the match as JSON text; strings come quoted. A path that
        matches nothing gives ``null`` (unconfirmed; Jayway serialises the missing value)."""
        return to_json_text(self.path(path))

    def params(self, name: Any = _ALL) -> Any:
        """``$input.params()``: ``{path, querystring, header}``; ``$input.params(x)``: the value
        of ``x`` from the path, then the query string, then the headers, else ``""``."""
        if name is _ALL:
            return {"path": dict(self._path), "querystring": dict(self._query), "header": dict(self._headers)}
        if name is None:
            return ""
        if not isinstance(name, str):
            raise NoSuchMethod
        for source in (self._path, self._query):
            if name in source:
                return source[name]
        header = find_header(self._headers, name)
        return "" if header is None else header


def _compiled(path: str) -> CompiledPath:
    """``path`` compiled and kept in :data:`_PATHS` (Jayway's error as Java's exception)."""
    from apigw_cli.vtl.jsonpath import JsonPathError, compile_path

    try:
        compiled = compile_path(path)
    except JsonPathError as exc:
        raise JavaException("InvalidPathException", str(exc)) from exc
    if len(_PATHS) >= _MAX_PATHS:
        _PATHS.clear()
    _PATHS[path] = compiled
    return compiled
