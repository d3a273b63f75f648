"""The render limits: named constants, each enforced where the work happens, each raising
:class:`LimitReached` (the compiler adds the template position and reports
:class:`~apigw_cli.errors.RenderLimitExceeded`, exit 5). One module, imported by the
runtime, the compiler and the Java methods alike."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType


class LimitReached(Exception):
    """A render limit was exceeded."""


#: API Gateway's documented ``#foreach`` limit; later items are not rendered (spec §6.1).
MAX_FOREACH_ITERATIONS = 1000
#: A mapping template's size, as API Gateway takes it (spec §6.9: 300 KB).
MAX_TEMPLATE_BYTES = 300 * 1024
#: All loop passes of one render together; stops runaway nesting (1000^3) early.
MAX_TOTAL_ITERATIONS = 1_000_000
#: Items a range literal such as ``[1..n]`` may produce.
MAX_RANGE_ITEMS = 100_000
#: Characters one render may output, and any one string may hold: API Gateway's 10 MB
#: payload limit (spec §6.9).
MAX_OUTPUT_CHARS = 10 * 1024 * 1024
#: Nested macro calls, ``#define`` renders and ``#evaluate``s (Velocity's
#: ``velocimacro.max.depth`` default).
MAX_CALL_DEPTH = 20
#: Wall-clock seconds one render may take (a regex that backtracks forever included).
MAX_RENDER_SECONDS = 10.0
#: Characters of text one render may build in all (strings, results of string methods):
#: a template that grows strings in a loop stops here instead of exhausting memory.
MAX_TEXT_BUILT_CHARS = 100 * 1024 * 1024
#: Items one list or map may hold.
MAX_COLLECTION_ITEMS = 1_000_000
#: Bits an integer may have (about 3,900 digits); Java would take BigInteger further, but a
#: template squaring a number in a loop stops here.
MAX_INTEGER_BITS = 13_000


@contextmanager
def deadline_alarm(deadline: float, too_slow: Callable[[], Exception]) -> Iterator[None]:
    """Raise ``too_slow()`` at ``deadline`` (a ``time.monotonic()`` value) even inside one long
    operation, such as a regex that backtracks, which checks between steps cannot stop.
    Uses ``SIGALRM``: only in the main thread and when no other timer is set; elsewhere the
    caller's own checks between steps still apply."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise too_slow()

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise too_slow()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, remaining)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
