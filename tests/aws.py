"""A real AWS-compatible endpoint for tests: moto's server mode, in its own process on
127.0.0.1, and boto3 clients that check what reached it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.backend import free_port

REGION = "us-east-1"
ACCOUNT = "123456789012"
#: What the standard credential chain finds in the tests: any key does for moto.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}


def isolated_environment(home: Path, **extra: str) -> dict[str, str]:
    """Variables that keep the credential chain off the user's files and the network (no
    instance metadata lookups), with ``extra`` set."""
    return {
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        **extra,
    }


@contextmanager
def serve_moto(port: int | None = None, **environment: str) -> Iterator[str]:
    """Start ``moto_server`` on 127.0.0.1 (``port``, else a free one); yields its URL.
    ``environment`` configures it (``INITIAL_NO_AUTH_ACTION_COUNT`` turns on its signature
    checks)."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **environment},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def client(service: str, endpoint: str, **credentials: str) -> Any:
    """A boto3 client of ``service`` at ``endpoint``."""
    import boto3

    keys = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION, **keys)
