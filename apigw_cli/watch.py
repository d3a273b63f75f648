"""``--watch``: run again whenever a watched file changes. Polls modification times, which
works everywhere (no file-system events library needed for a handful of files)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

#: Seconds between two looks at the watched files.
POLL_SECONDS = 0.3

Snapshot = dict[Path, tuple[int, int] | None]


def _snapshot(paths: Iterable[Path]) -> Snapshot:
    state: Snapshot = {}
    for path in paths:
        try:
            status = path.stat()
            state[path] = (status.st_mtime_ns, status.st_size)
        except OSError:
            state[path] = None
    return state


def watch_files(
    files: Callable[[], Iterable[Path]],
    run: Callable[[], None],
    announce: Callable[[list[Path]], None],
    *,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """Run ``run`` now and after every change of ``files()`` (asked again after each run, so
    new files count), until interrupted."""
    run()
    before = _snapshot(files())
    while True:
        time.sleep(poll_seconds)
        after = _snapshot(files())
        if after != before:
            changed = sorted(path for path in after.keys() | before.keys() if after.get(path) != before.get(path))
            announce(changed)
            run()
            before = _snapshot(files())
