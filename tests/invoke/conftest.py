"""Fixtures for invoke tests: one deterministic simulated call, and handler files written
where the test wants them (the loopback backend is in tests/backend.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apigw_cli.definitions.integration import Integration, integration_from_mapping
from apigw_cli.integrations.lambda_ import HandlerSpec
from apigw_cli.invoke import InvokeOptions, invoke
from apigw_cli.models import InvokeResult
from apigw_cli.samples import request_from_mapping, response_from_mapping
from apigw_cli.vtl.context import Identity

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
        definition = (
            integration if isinstance(integration, Integration) else integration_from_mapping(integration, "test")
        )
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
