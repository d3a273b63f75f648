"""A real HTTP backend on 127.0.0.1 for tests: it records what it receives and answers as told."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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
    #: Seconds between the bytes of the raw answer (a backend that trickles).
    trickle: float = 0.0
    #: Raw bytes sent at once before the trickled ``raw`` (headers fast, body slow).
    raw_head: bytes = b""
    #: After the raw answer, reset the connection (RST) instead of closing it.
    reset: bool = False
    #: Computes (status, headers, body) from the request instead of the fixed answer.
    respond: Callable[[Received], tuple[int, list[tuple[str, str]], bytes]] | None = None


@contextmanager
def serve_backend() -> Iterator[Backend]:
    """A real HTTP server on 127.0.0.1, on a free port, while the block runs."""
    state = Backend(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_one(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            state.received.append(
                Received(self.command, self.path, list(self.headers.items()), self.rfile.read(length))
            )
            if state.delay:
                time.sleep(state.delay)
            if state.raw is not None:
                self.wfile.write(state.raw_head)
                self.wfile.flush()
                for index in range(len(state.raw)):
                    self.wfile.write(state.raw[index : index + 1])
                    self.wfile.flush()
                    time.sleep(state.trickle)
                if state.reset:  # SO_LINGER 0: the close sends RST
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            status, headers, body = (
                state.respond(state.received[-1]) if state.respond else (state.status, state.headers, state.body)
            )
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_one

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that hangs up (a timeout under test) is expected

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
