"""Backend and handler faults, on real processes: each gives AWS's gateway response within
the timeout plus a small margin, leaves no process behind and keeps memory bounded. The
faults already covered elsewhere are listed in docs/reliability.md."""

from __future__ import annotations

import os
import resource
import signal
import time
from pathlib import Path

from tests.backend import Backend
from tests.invoke.conftest import Simulate

PROXY = {"type": "http_proxy", "httpMethod": "GET", "timeoutInMillis": 500}


def test_a_connection_reset_mid_response_is_a_504(backend: Backend, simulate: Simulate) -> None:
    backend.raw_head, backend.raw, backend.reset = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", b"abc", True
    result = simulate({**PROXY, "uri": backend.url + "/"})
    assert (result.response.status, result.failure is not None) == (504, True)


def test_a_body_slower_than_the_timeout_is_cut_off_with_504(backend: Backend, simulate: Simulate) -> None:
    backend.raw_head = b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n"
    backend.raw, backend.trickle = b"x" * 200, 0.01
    started = time.monotonic()
    result = simulate({**PROXY, "uri": backend.url + "/", "timeoutInMillis": 300})
    assert (result.response.status, result.response.body) == (504, '{"message":"Endpoint request timed out"}')
    assert time.monotonic() - started < 1.5


def test_a_response_over_10_mb_is_refused_and_memory_stays_bounded(backend: Backend, simulate: Simulate) -> None:
    backend.body = b"x" * (12 * 1024 * 1024)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = simulate({**PROXY, "uri": backend.url + "/"})
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert result.response.status >= 500 and result.failure is not None and "larger than 10 MB" in result.failure
    assert grown_mb < 100  # read in chunks and stopped at the limit, not held whole


def test_a_body_that_is_not_utf8_passes_through_as_bytes(backend: Backend, simulate: Simulate) -> None:
    backend.headers, backend.body = [("Content-Type", "application/octet-stream")], b"\xff\xfe\x00\xfa"
    result = simulate({**PROXY, "uri": backend.url + "/"}, binary_media_types=("application/octet-stream",))
    assert result.response.status == 200 and result.response.is_base64_encoded
    assert result.response.body == "//4A+g=="


def test_a_handler_that_forks_a_lingering_child_leaves_nothing_behind(simulate: Simulate, tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    handler = tmp_path / "forker.py"
    handler.write_text(
        "import os, time\n"
        "def handler(event, context):\n"
        "    child = os.fork()\n"
        "    if child == 0:\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n"
        f"    open({str(pid_file)!r}, 'w').write(str(child))\n"
        "    return {'statusCode': 200, 'body': 'forked'}\n",
        encoding="utf-8",
    )
    result = simulate({"type": "aws_proxy", "uri": "forker"}, handler=f"{handler}:handler")
    assert (result.response.status, result.response.body) == (200, "forked")
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone in all but name
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_a_handler_killed_by_a_signal_is_a_502(simulate: Simulate, tmp_path: Path) -> None:
    handler = tmp_path / "killed.py"
    handler.write_text(f"import os\ndef handler(event, context):\n    os.kill(os.getpid(), {int(signal.SIGKILL)})\n")
    result = simulate({"type": "aws_proxy", "uri": "killed"}, handler=f"{handler}:handler")
    assert result.response.status == 502 and "Runtime.ExitError" in (result.failure or "")
