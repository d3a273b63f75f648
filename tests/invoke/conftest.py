"""Fixtures for invoke tests: a real HTTP backend on 127.0.0.1 started by the test, and
handler files written where the test wants them."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from apigw_cli.definitions.integration import Integration, integration_from_mapping
from apigw_cli.integrations.lambda_ import HandlerSpec
from apigw_cli.invoke import InvokeOptions, invoke
from apigw_cli.models import InvokeResult
from apigw_cli.samples import request_from_mapping, response_from_mapping
from apigw_cli.vtl.context import Identity


@dataclass
class Received:
    """One request the backend got, as it arrived on the wire."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


@dataclass
class Backend:
    """A programmable HTTP server: each request is recorded, then answered by ``reply``."""

    url: str
    received: list[Received] = field(default_factory=list)
    #: (status, headers, body) to answer with; ``headers`` is a list to allow repeats.
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", "application/json")])
    body: bytes = b'{"ok": true}'
    #: Seconds to wait before answering.
    delay: float = 0.0
    #: Instead of an HTTP answer, write these raw bytes and close.
    raw: bytes | None = None


@pytest.fixture
def backend() -> Iterator[Backend]:
    """A real HTTP server on 127.0.0.1, on a free port, for the test's duration."""
    state = Backend(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_one(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            state.received.append(Received(self.command, self.path, list(self.headers.items()), self.rfile.read(length)))
            if state.delay:
                time.sleep(state.delay)
            if state.raw is not None:
                self.wfile.write(state.raw)
                self.close_connection = True
                return
            self.send_response(state.status)
            for name, value in state.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_one

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


Simulate = Callable[..., InvokeResult]


@pytest.fixture
def simulate(tmp_path: Path) -> Simulate:
    """``simulate(integration_mapping, request_mapping, handler="file.py:fn", backend=...)``:
    one deterministic call, handler files relative to ``tmp_path``."""

    def run(
        integration: dict[str, Any] | Integration,
        request: dict[str, Any] | None = None,
        *,
        handler: str | None = None,
        backend: dict[str, Any] | None = None,
        **options: Any,
    ) -> InvokeResult:
        definition = integration if isinstance(integration, Integration) else integration_from_mapping(integration, "test")
        return invoke(
            definition,
            request_from_mapping(request or {}, "request"),
            InvokeOptions(
                identity=Identity.deterministic(),
                frozen_clock=True,
                handler=HandlerSpec.parse(handler, tmp_path) if handler else None,
                backend_response=response_from_mapping(backend, "backend") if backend is not None else None,
                **options,
            ),
        )

    return run


def write_handler(folder: Path, name: str, source: str) -> str:
    """Write a handler module; returns ``name.py``."""
    (folder / f"{name}.py").write_text(source, encoding="utf-8")
    return f"{name}.py"
