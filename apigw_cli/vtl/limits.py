"""The render limits: named constants, each enforced where the work happens, each raising
:class:`LimitReached` (the compiler adds the template position and reports
:class:`~apigw_cli.errors.RenderLimitExceeded`, exit 5). One module, imported by the
runtime, the compiler and the Java methods alike."""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any


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
#: Wall-clock seconds one render may take: checked at every call, loop pass and comparison of
#: collections and at the end, and by a timer inside a step that may run for ever, such as a
#: regex that backtracks (see :mod:`.survey`).
MAX_RENDER_SECONDS = 10.0
#: Characters of text one render may build in all (strings, results of string methods):
#: a template that grows strings in a loop stops here instead of exhausting memory.
MAX_TEXT_BUILT_CHARS = 100 * 1024 * 1024
#: Items one list or map may hold.
MAX_COLLECTION_ITEMS = 1_000_000
#: Bits an integer may have (about 3,900 digits); Java would take BigInteger further, but a
#: template squaring a number in a loop stops here.
MAX_INTEGER_BITS = 13_000


class deadline_alarm:  # noqa: N801 - used as a function: ``with deadline_alarm(...)``
    """Raise ``too_slow()`` at ``deadline`` (a ``time.monotonic()`` value) even inside one long
    operation, such as a regex that backtracks, which checks between steps cannot stop.
    Uses ``SIGALRM``: only in the main thread and when no other timer is set; elsewhere the
    caller's own checks between steps still apply.

    The handler is installed once and stays (installing one costs more than a small render);
    an alarm that is not apigw's goes on to the handler it replaced. Python runs the handler
    between two steps of whatever code is running. A raise could land in a finalizer or a
    garbage collector's callback, which drops it (and, while the alarm is set, does not report
    it on stderr), so the alarm goes off again shortly until it is cleared; while it is being set
    it only goes off again, while it is cleared it is let be (the caller's last check of the
    clock fails a render past its limit); one whose caller has ended without clearing it (an
    interruption at the wrong step) is dropped; one that went off as it was cleared, its
    handler still to run, is let go once.
    """

    __slots__ = ("deadline", "too_slow", "armed")

    def __init__(self, deadline: float, too_slow: Callable[[], Exception]) -> None:
        self.deadline = deadline
        self.too_slow = too_slow
        self.armed = False

    def __enter__(self) -> None:
        # No SIGALRM on Windows; signals reach the main thread only.
        if not _HAS_TIMER or threading.get_ident() != _MAIN_THREAD:
            return
        if _active:
            if _place(_active[-1][1], sys._getframe(1)) != _ENDED:
                return  # nested: the outer alarm is armed
            # Left by an alarm interrupted as it was set (Ctrl-C): it would keep every later
            # render from setting one. Its timer goes too, a host's timer stays.
            _active.clear()
            left = signal.getitimer(signal.ITIMER_REAL)[0]
            if left > 0 and abs(time.monotonic() + left - _due[0]) < 0.01:
                signal.setitimer(signal.ITIMER_REAL, 0)
        if self.deadline <= time.monotonic():
            raise self.too_slow()
        if _current_handler(signal.SIGALRM) is not _on_alarm:  # first use, or a host replaced it
            _replaced[0] = signal.signal(signal.SIGALRM, _on_alarm)
        if _host_hook[0] is None or sys.unraisablehook is sys.__unraisablehook__:  # see _unraisable_hook
            _host_hook[0] = sys.unraisablehook
            sys.unraisablehook = _unraisable_hook
        _late[0] = False  # a late alarm of the last render has been handled by now
        _handled[0] = False
        _deferred[0] = 0
        _active.append((self.too_slow, sys._getframe(1)))
        _due[0] = self.deadline
        # Read the clock last: the timer is then due when _due says, whatever ran before.
        previous = signal.setitimer(signal.ITIMER_REAL, max(self.deadline - time.monotonic(), 1e-6))
        if previous[0] > 0:  # someone else's timer was running: give it back, do without
            signal.setitimer(signal.ITIMER_REAL, *previous)
            _active.pop()
            return
        self.armed = True

    def __exit__(self, *exc_info: object) -> None:
        if not self.armed:
            return
        try:
            if signal.setitimer(signal.ITIMER_REAL, 0)[0] == 0 and not _handled[0]:  # its handler comes after
                _late[0] = True
        finally:
            # No call below: a Ctrl-C is raised after a call returns, and could leave the
            # alarm marked armed or the render's frames held.
            del _active[-1]
            _raised[0] = None  # its traceback holds the render's frames


_MAIN_THREAD = threading.main_thread().ident
_HAS_TIMER = hasattr(signal, "setitimer")
#: ``signal.getsignal`` without its conversion to an enum, which raises and catches an error
#: for a Python handler: 2 us, more than a small template's render (``_signal`` is the C
#: module ``signal`` wraps).
_current_handler: Callable[[int], Any] = _signal.getsignal
#: The armed alarm's exception maker and the frame that armed it (at most one: a nested
#: alarm finds it armed).
_active: list[tuple[Callable[[], Exception], FrameType]] = []
#: Whether the handler has run since apigw's timer was last set, and whether apigw's last
#: alarm went off as it was cleared with its handler still to run.
_handled = [False]
_late = [False]
#: The SIGALRM handler apigw's replaced.
_replaced: list[Any] = [signal.SIG_DFL]
#: How soon an alarm whose raise may have been dropped goes off again, and one that went off
#: where its error would be lost; how many times in a row it waits for a better place (a
#: host's finalizer or report hook that runs long is cut short after that).
_AGAIN_SECONDS = 0.05
_SOON_SECONDS = 0.001
_MAX_DEFERRED = 20
_deferred = [0]
#: When apigw's timer is due (``time.monotonic()``).
_due = [0.0]
#: The alarm's last error, and the ``sys.unraisablehook`` apigw's replaced (``None`` before).
_raised: list[BaseException | None] = [None]
_host_hook: list[Callable[[Any], object] | None] = [None]
_CLEARING = deadline_alarm.__exit__.__code__


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if _active:
        too_slow, owner = _active[-1]
        _handled[0] = True
        code = frame.f_code if frame is not None else None
        if code is _CLEARING:
            return
        place = _place(owner, frame)
        if place == _ENDED:
            _active.clear()
            return
        _handled[0] = False
        if code is _SETTING_CODE or (place == _LOST and _deferred[0] < _MAX_DEFERRED):
            _deferred[0] += 1
            _set_timer(_SOON_SECONDS)
            return
        _deferred[0] = 0
        _set_timer(_AGAIN_SECONDS)
        _raised[0] = error = too_slow()
        raise error
    if _late[0]:
        _late[0] = False
        return
    previous = _replaced[0]
    if callable(previous):
        previous(signum, frame)
    elif previous == signal.SIG_DFL:  # someone else's alarm, with the default action: end, as it would
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGALRM)


def _unraisable_hook(unraisable: Any) -> None:
    """Python drops an error raised in a finalizer or a garbage collector's callback and
    reports it here; the alarm's goes off again, so its report would be noise on stderr.
    Installed with the first alarm and kept, like the handler: a host's hook that wraps it
    later gets every report once, one that replaces it gets the alarm's too (until it puts
    the default back)."""
    if unraisable.exc_value is not None and unraisable.exc_value is _raised[0]:
        return
    host = _host_hook[0]
    if host is None:
        return
    try:
        host(unraisable)
    except LimitReached as error:  # the alarm cut the host's hook short: it goes off again
        if error is not _raised[0]:
            raise
        _set_timer(_SOON_SECONDS)


def _set_timer(seconds: float) -> None:
    _due[0] = time.monotonic() + seconds
    signal.setitimer(signal.ITIMER_REAL, seconds)


_ENDED, _IN_RENDER, _LOST = "ended", "in the render", "lost"
#: Code under which the alarm's error would be lost: a finalizer run as the alarm is set, the
#: report hook (and any finalizer, ``__del__``).
_LOST_CODE = (deadline_alarm.__enter__.__code__, _unraisable_hook.__code__)
_SETTING_CODE = deadline_alarm.__enter__.__code__


def _place(owner: FrameType, frame: FrameType | None) -> str:
    """Where the alarm went off: after its caller ``owner`` ended without clearing it; inside
    the render, or inside it where its error would be lost."""
    place = _IN_RENDER
    while frame is not None:
        if frame is owner:
            return place
        if frame.f_code in _LOST_CODE or frame.f_code.co_name == "__del__":
            place = _LOST
        frame = frame.f_back
    return _ENDED
