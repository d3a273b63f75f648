"""Hostile templates: no route from a template to Python internals, and every render limit
holds (STYLE.md, "The sandbox"). Each escape found later gets its regression test here."""

from __future__ import annotations

import contextlib
import gc
import json
import signal
import sys
import time
import types
from pathlib import Path
from typing import Any

import pytest

from apigw_cli.errors import RenderLimitExceeded, SandboxViolation, TemplateRenderError, TemplateSyntaxError
from apigw_cli.render import render_template
from apigw_cli.samples import request_from_mapping
from apigw_cli.vtl import limits
from apigw_cli.vtl.context import Identity
from apigw_cli.vtl.engine import compile_template
from apigw_cli.vtl.parser import parse_template
from apigw_cli.vtl.survey import survey
from tests.helpers import json_request, render

REACHING_FOR_INTERNALS = [
    "$input.__class__",
    "$util.__init__",
    "$input.__class__.__mro__",
    "$context.__class__.__subclasses__()",
    "$util.escapeJavaScript.__globals__",
    "$input._body",
    "$input._document",
    "$util._text('x')",
    '#set($s = "x")$s.__class__.__base__',
    '#set($s = "x")$s._formatter_parser()',
    "$context.getClass()",
    "$input.class",
    "$input.class.forName('java.lang.Runtime')",
    "$util.getClass().getClassLoader()",
    '#set($m = {})$m.__setitem__("a", 1)',
    "#set($input.__dict__ = 1)",
    '#evaluate("$input.__class__")',
    '#evaluate("#set($x = $util.__class__)")',
    "$undefined.__builtins__",  # refused even when the receiver is null
    "$undefined.getClass()",
]


@pytest.mark.parametrize("template", REACHING_FOR_INTERNALS)
def test_templates_cannot_reach_python_internals(template: str) -> None:
    with pytest.raises(SandboxViolation, match="not accessible from a template"):
        render(template, json_request("{}"))


@pytest.mark.parametrize(
    "template",
    [
        '#set($s = "{0.__class__}")$s.format($s)',  # Python's str.format side door is on no list
        '#set($s = "{a.__class__}")$s.format_map($context)',
        "$input.body.upper()",
        "$input.path('$').items()",
        "$input.path('$').keys()",
        "#set($l = [])$l.append(1)",
    ],
)
def test_python_methods_do_not_exist_for_templates(template: str) -> None:
    # Only Java's methods are on the allow-list: Python's answer null, as AWS would, and warn.
    result = render_template(
        compile_template(template, "t"),
        request_from_mapping(json_request('{"a": 1}'), "r"),
        identity=Identity.deterministic(),
    )
    assert result.output == ""
    assert result.warnings and "API Gateway returns null here" in result.warnings[0]


def test_a_dictionary_key_named_like_an_internal_is_only_data() -> None:
    assert render("$input.path('$')['__class__']", json_request('{"__class__": "data"}')) == "data"


def test_map_keys_that_look_private_or_reflective_are_data() -> None:
    # HAL/Mongo "_id", GraphQL "__typename", words like "format", "exec", "wait" are JSON keys.
    body = '{"_id": 1, "__typename": "Pet", "format": "png", "exec": "e", "wait": 5, "class": "A"}'
    template = "#set($p = $input.path('$'))$p._id $p.__typename $p.format $p.exec $p.wait $p['class'] $p.get('class')"
    assert render(template, json_request(body)) == "1 Pet png e 5 A A"


def test_foreach_stops_at_api_gateways_limit_and_warns() -> None:
    # spec §6.1: #foreach runs at most 1,000 iterations; later items are not rendered.
    outcome = compile_template("#foreach($i in [1..1500])x#end", "t").render({})
    assert outcome.output == "x" * limits.MAX_FOREACH_ITERATIONS
    assert "stopped after 1,000 items" in outcome.warnings[0].message


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("#set($r = [1..1000000])", "range of more than"),
        ('#set($s = "xxxxxxxxxxxxxxxx")#foreach($i in [1..30])#set($s = "$s$s")#end', "characters"),
        ('#set($s = "xxxxxxxxxxxxxxxx")#foreach($i in [1..30])#set($s = $s + $s)#end', "characters"),
        ("#macro(r)#r()#end#r()", "nested"),
        ("#set($e = '#evaluate($e)')#evaluate($e)", "nested"),
        ("#define($d)$d#end$d", "nested"),
    ],
)
def test_limits_stop_runaway_templates(template: str, message: str) -> None:
    with pytest.raises(RenderLimitExceeded, match=message):
        render(template)


def test_loop_passes_are_limited_across_loops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("apigw_cli.vtl.runtime.MAX_TOTAL_ITERATIONS", 5_000)
    with pytest.raises(RenderLimitExceeded, match="more than 5,000 loop passes"):
        render("#foreach($a in [1..100])#foreach($b in [1..100])#end#end")


def test_output_size_is_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("apigw_cli.vtl.runtime.MAX_OUTPUT_CHARS", 1000)
    with pytest.raises(RenderLimitExceeded, match="text of more than 1,000 characters"):
        render("#foreach($i in [1..300])hello#end")


def test_render_time_is_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("apigw_cli.vtl.runtime.MAX_RENDER_SECONDS", 0.0)
    with pytest.raises(RenderLimitExceeded, match="took longer than"):
        render("#macro(m)x#end#m()")


def test_renders_do_not_leak_into_each_other() -> None:
    template = compile_template('#set($ok = $context.put("leak", 1))[$context.leak]', "t")
    assert render("[$context.leak]") == "[]"
    assert template.render({"context": {}}).output == "[1]"
    assert template.render({"context": {}}).output == "[1]"
    assert render("[$context.leak]") == "[]"


def test_a_macro_an_evaluate_defines_is_gone_in_the_next_render() -> None:
    """A render starts from its template's macros, shared by every render and never changed:
    #evaluate gives its render a new map."""
    template = compile_template("#if($x == 1)#evaluate('#macro(m)M#end')#end#m()", "t")
    assert [template.render({"x": x}).output for x in (1, 0, 1)] == ["M", "#m()", "M"]


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(RenderLimitExceeded, match="nests too deeply"):
        render("#set($a = {})#set($b = {})#set($a.b = $b)#set($b.a = $a)$a")  # Java: StackOverflowError
    with pytest.raises(RenderLimitExceeded, match="nests too deeply"):  # the JSON encoder checks no cycles
        render(
            "#set($o = $input.path('$.o'))#set($ok = $o.put('self', $o))$input.json('$.o')", json_request('{"o": {}}')
        )
    with pytest.raises(TemplateRenderError, match="nests too deeply"):
        render("$input.path('$')", json_request("[" * 100_000 + "]" * 100_000))
    with pytest.raises(TemplateSyntaxError, match="nests too deeply"):
        compile_template("#if(true)" * 3000 + "#end" * 3000, "t")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        # Growth through method results, not only through + and interpolation.
        ('#set($s="bb")#foreach($i in [1..40])#set($s=$s.replace("b",$s))#end', "characters"),
        ('#set($s="ab")#foreach($i in [1..40])#set($s=$s.concat($s))#end', "characters"),
        ("#set($l=[1,2])#foreach($i in [1..40])#set($ok=$l.addAll($l))#end", "items"),
        (
            '#set($s="0123456789")#foreach($i in [1..19])#set($s="$s$s")#end#set($l=[])#foreach($i in [1..1000])#set($ok=$l.add("$s!"))#end',
            "characters of text",
        ),
        ("#set($x=10)#foreach($i in [1..13])#set($x=$x*$x)#end$x", "bits"),
    ],
)
def test_memory_limits_cover_every_way_to_grow(template: str, message: str) -> None:
    with pytest.raises(RenderLimitExceeded, match=message):
        render(template)


@pytest.mark.parametrize(
    ("template", "body"),
    [
        ("$input.path('$.s').matches('(a|aa)+')", '{"s": "' + "a" * 60 + 'b"}'),
        ("$input.path('$.s').replaceAll('(a|aa)+$', '')", '{"s": "' + "a" * 60 + 'b"}'),
        ("$input.path('$.s').replaceFirst('(a|aa)+$', '')", '{"s": "' + "a" * 60 + 'b"}'),
        ("$input.path('$.s').split('(a|aa)+$')", '{"s": "' + "a" * 60 + 'b"}'),
        ("$input.json('$[?(@.s =~ /(a|aa)+/)]')", '{"s": "' + "a" * 60 + 'b"}'),
        # Single steps without a regex that checks between steps cannot stop either (review
        # of issue 12): a deep comparison, a JSONPath scan, compiling a large #evaluate.
        ("#set($a=[1])#set($b=[1])#foreach($i in [1..40])#set($a=[$a,$a])#set($b=[$b,$b])#end$a.equals($b)", "{}"),
        ("$input.json('$..[?(@..*..* == 7)]')", '{"a":' * 400 + "1" + "}" * 400),
        ("#set($s = '$!x.y(1) ')#foreach($i in [1..20])#set($s = \"$s$s\")#end#evaluate($s)", "{}"),
    ],
)
def test_time_limit_stops_one_long_step(monkeypatch: pytest.MonkeyPatch, template: str, body: str) -> None:
    monkeypatch.setattr("apigw_cli.vtl.runtime.MAX_RENDER_SECONDS", 0.5)
    with pytest.raises(RenderLimitExceeded, match="took longer than 0.5 seconds"):
        render(template, json_request(body))


def test_time_limit_stops_arguments_passed_by_name_multiplying(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("apigw_cli.vtl.runtime.MAX_RENDER_SECONDS", 0.5)
    template = "#macro(m $a)#set($d=$d - 1)#if($d > 0)#m($a.equals($a).equals($a))#else$a#end#end#set($d=19)#m(true)"
    with pytest.raises(RenderLimitExceeded, match="took longer than"):
        render(template)


def test_only_a_template_with_a_step_that_may_run_for_ever_sets_the_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A template whose every step is linear in its data (vtl/survey.py) is stopped in time
    by the checks between steps; setting and clearing a timer would cost more than its render."""

    settings: list[tuple[float, ...]] = []
    real = signal.setitimer
    monkeypatch.setattr(signal, "setitimer", lambda *args: settings.append(args) or real(*args))
    request = json_request('{"a": "xx", "items": [1, 2]}')
    render("$util.escapeJavaScript($input.path('$.a'))#foreach($i in $input.path('$.items'))$i#end", request)
    assert settings == []
    render("$input.path('$.a').matches('x+')", request)
    assert [args[1] > 0 for args in settings] == [True, False]  # armed, then cleared


@pytest.mark.parametrize(
    ("template", "checks"),
    [
        ("#set($d = $input.path('$'))#if($d == '')#end#if($d != $d)#end#if('a' == 'a')#end", 1 + 2 + 1),
        ("$input.body.hashCode()$input.body.hashCode()$input.body.hashCode()", 3 + 1),
    ],
)
def test_a_template_without_a_timer_checks_the_clock_at_every_costly_step(
    monkeypatch: pytest.MonkeyPatch, template: str, checks: int
) -> None:
    """Review of issue 12: without a timer, every call and comparison of collections (it may
    print them) checks the clock, as loop passes do, and so does the render's end; a scalar
    comparison does not. (100 comparisons of a 10 MB list, 15 hashCode()s of a 10 MB
    body ran 13 s and 12 s past a 0.5 s limit when only every 16th call checked.)"""

    from apigw_cli.vtl.runtime import RenderState

    assert survey(parse_template(template, "t")).bounded_steps
    steps: list[None] = []
    check = RenderState.step
    monkeypatch.setattr(RenderState, "step", lambda state: steps.append(None) or check(state))
    # A call reads the clock in line.
    monkeypatch.setattr("apigw_cli.vtl.compile_expressions.monotonic", lambda: steps.append(None) or time.monotonic())
    render(template, json_request("[[0], [1]]"))
    assert len(steps) == checks


def test_a_render_that_ran_past_its_limit_fails_even_when_it_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("apigw_cli.vtl.runtime.MAX_RENDER_SECONDS", 0.0)
    with pytest.raises(RenderLimitExceeded, match="took longer than 0 seconds"):
        render("text without a step")


def test_a_union_that_selects_nodes_again_and_again_stops_at_the_collection_limit() -> None:
    """Review of issue 12: eight unions of nine zeros select one node 9^8 times (10 s and
    400 MB before)."""
    nested = "[" * 8 + "1" + "]" * 8
    with pytest.raises(RenderLimitExceeded, match="selects more than 1,000,000 nodes"):
        render("$input.json('$" + "[0,0,0,0,0,0,0,0,0]" * 8 + "')", json_request(nested))


def test_last_index_of_takes_time_linear_in_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of issue 12: str.rfind took 6 s for this needle in 400,000 characters (and
    quadratically longer for longer text); the search runs forwards in the reversed text."""
    monkeypatch.setattr("apigw_cli.vtl.runtime.MAX_RENDER_SECONDS", 2.0)
    body = json.dumps({"h": "a" * 400_000, "n": "a" * 100_000 + "b" + "a" * 100_000})
    assert render("$input.path('$.h').lastIndexOf($input.path('$.n'))", json_request(body)) == "-1"


def test_an_alarm_raised_where_it_may_be_dropped_goes_off_again() -> None:
    """Raised inside a finalizer (a generator closed as it is freed), the alarm's error is
    dropped and the long step went on (a flaky run of the JSONPath scan above): it goes off
    again shortly, until it is cleared."""

    def inside_the_render() -> None:
        limits._on_alarm(signal.SIGALRM, sys._getframe())

    with limits.deadline_alarm(time.monotonic() + 10, lambda: limits.LimitReached("too slow")):
        with pytest.raises(limits.LimitReached):
            inside_the_render()
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.05
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_alarm_dropped_in_a_collectors_callback_is_not_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSONPath scan above failed a full test run: its alarm went off inside a garbage
    collector's callback, which dropped the error and reported it as "Exception ignored".
    The alarm goes off again; its dropped error is not reported, anything else still is."""
    reports: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reports.append)
    monkeypatch.setattr(limits, "_host_hook", [None])  # as in a new process

    def alarm_then_fail(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            limits._on_alarm(signal.SIGALRM, sys._getframe())
        raise ValueError("the host's own error")

    gc.callbacks.append(alarm_then_fail)
    try:
        with limits.deadline_alarm(time.monotonic() + 10, lambda: limits.LimitReached("too slow")):
            gc.collect()
            assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.05
    finally:
        gc.callbacks.remove(alarm_then_fail)
    assert [type(report.exc_value) for report in reports] == [ValueError]  # the "stop" phase's


def too_slow() -> limits.LimitReached:
    return limits.LimitReached("too slow")


def test_a_host_hook_that_wraps_apigws_reports_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review: a host that wrapped the report hook while apigw's was set (as error trackers
    do) made the two call each other until Python gave up, for every later report. Each
    report reaches each hook once."""
    seen: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda report: seen.append("first host"))
    monkeypatch.setattr(limits, "_host_hook", [None])  # as in a new process

    class FailsWhenFreed:
        def __del__(self) -> None:
            raise ValueError("the host's own error")

    with limits.deadline_alarm(time.monotonic() + 10, too_slow):
        wrapped = sys.unraisablehook

        def tracker(report: Any) -> None:
            seen.append("tracker")
            wrapped(report)

        sys.unraisablehook = tracker
    with limits.deadline_alarm(time.monotonic() + 10, too_slow):
        FailsWhenFreed()
    FailsWhenFreed()
    assert seen == ["tracker", "first host"] * 2


def test_an_alarm_left_marked_by_an_interrupted_setting_does_not_turn_the_timer_off() -> None:
    """Review: a Ctrl-C as an alarm was set left it marked armed, and every later alarm took
    itself for a nested one and set no timer: renders ran without a time limit."""

    def ended() -> Any:
        return sys._getframe()

    limits._active.append((too_slow, ended()))
    with limits.deadline_alarm(time.monotonic() + 10, too_slow):
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
    assert limits._active == []


def test_a_ctrl_c_as_the_alarm_is_cleared_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review: a Ctrl-C raised as the timer was cleared left the alarm marked armed and its
    error, with the render's frames, held."""
    clear = signal.setitimer

    def interrupted(which: int, seconds: float, *interval: float) -> tuple[float, float]:
        previous = clear(which, seconds, *interval)
        if seconds == 0:
            raise KeyboardInterrupt
        return previous

    with pytest.raises(KeyboardInterrupt):
        with limits.deadline_alarm(time.monotonic() + 10, too_slow):
            limits._raised[0] = too_slow()
            monkeypatch.setattr(signal, "setitimer", interrupted)
    assert (limits._active, limits._raised[0]) == ([], None)


def test_an_alarm_in_a_finalizer_goes_off_again_at_once_instead_of_raising() -> None:
    """Review: an alarm that went off in a finalizer or in the report hook raised an error
    Python drops, then waited 50 ms; a render whose time went mostly to finalizers ran seconds
    past its limit."""

    class AlarmWhenFreed:
        def __del__(self) -> None:
            limits._on_alarm(signal.SIGALRM, sys._getframe())

    with limits.deadline_alarm(time.monotonic() + 10, too_slow):
        AlarmWhenFreed()
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.001
        assert limits._raised[0] is None


class SlowWhenFreed:
    """A host's finalizer in which the alarm goes off once more than it waits for."""

    def __init__(self, outcomes: list[str]) -> None:
        self.outcomes = outcomes

    def __del__(self) -> None:
        try:
            for _ in range(limits._MAX_DEFERRED + 1):
                limits._on_alarm(signal.SIGALRM, sys._getframe())
                self.outcomes.append("waits")
        except limits.LimitReached:
            self.outcomes.append("raises")


def test_a_host_finalizer_that_runs_long_is_cut_short() -> None:
    """Second review: an alarm that went off in a host's long finalizer (or report hook)
    waited for ever for a better place; it waits 20 times 1 ms, then raises there."""
    outcomes: list[str] = []

    with limits.deadline_alarm(time.monotonic() + 10, too_slow):
        SlowWhenFreed(outcomes)
    assert outcomes == ["waits"] * limits._MAX_DEFERRED + ["raises"]


def test_a_finalizer_run_as_the_alarm_is_set_is_cut_short_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Third review: below the frame that sets the alarm, a host's finalizer (run by a
    collection as the timer is set) waited for a better place for ever."""
    outcomes: list[str] = []

    garbage = [SlowWhenFreed(outcomes)]
    real = signal.setitimer

    def collecting(which: int, seconds: float, *interval: float) -> tuple[float, float]:
        previous = real(which, seconds, *interval)
        if garbage:
            garbage.pop()  # freed here, below __enter__
        return previous

    monkeypatch.setattr(signal, "setitimer", collecting)
    with limits.deadline_alarm(time.monotonic() + 10, too_slow):
        pass
    assert outcomes == ["waits"] * limits._MAX_DEFERRED + ["raises"]


def test_the_alarm_cuts_a_hosts_report_hook_short_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Third review: the alarm's error raised in the host's report hook escaped apigw's hook,
    and Python printed it ("Exception ignored in sys.unraisablehook")."""
    cut_short: list[bool] = []

    def slow_host_hook(report: Any) -> None:
        monkeypatch.setattr(limits, "_deferred", [limits._MAX_DEFERRED])  # waited long enough
        cut_short.append(True)
        limits._on_alarm(signal.SIGALRM, sys._getframe())
        cut_short.append(False)

    monkeypatch.setattr(limits, "_host_hook", [slow_host_hook])
    with limits.deadline_alarm(time.monotonic() + 10, too_slow):
        limits._unraisable_hook(types.SimpleNamespace(exc_value=ValueError("the host's")))
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.001  # goes off again soon
    assert cut_short == [True]


def test_the_timer_is_due_when_apigw_says_whatever_ran_as_it_was_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """Third review: 30 ms spent between reading the clock and setting the timer made a stale
    alarm's timer look like a host's, kept it, and the process died of it later."""
    real = limits._current_handler

    def slow(signum: int) -> Any:
        time.sleep(0.03)
        return real(signum)

    monkeypatch.setattr(limits, "_current_handler", slow)
    with limits.deadline_alarm(time.monotonic() + 10, too_slow):
        assert abs(time.monotonic() + signal.getitimer(signal.ITIMER_REAL)[0] - limits._due[0]) < 0.005


def test_clearing_a_stale_alarm_keeps_a_hosts_timer() -> None:
    """Second review: clearing the mark an interrupted alarm left also cancelled a timer the
    host had set since; apigw's render does without its own then, as with any host timer."""

    def ended() -> Any:
        return sys._getframe()

    limits._active.append((too_slow, ended()))
    signal.setitimer(signal.ITIMER_REAL, 30)  # the host's
    try:
        with limits.deadline_alarm(time.monotonic() + 10, too_slow):
            assert 29 < signal.getitimer(signal.ITIMER_REAL)[0] <= 30
        assert 29 < signal.getitimer(signal.ITIMER_REAL)[0] <= 30
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    assert limits._active == []


def test_the_report_hook_is_put_back_after_a_host_restores_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "_host_hook", [sys.unraisablehook])  # installed before
    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    with limits.deadline_alarm(time.monotonic() + 10, too_slow):
        assert sys.unraisablehook is limits._unraisable_hook
    assert limits._host_hook == [sys.__unraisablehook__]


def test_an_alarm_whose_caller_ended_without_clearing_it_is_dropped() -> None:
    """Review of issue 12: interrupted while it was being set, an alarm stayed marked armed,
    no later render set one, and going off again it raised in the host's code every 50 ms."""

    def interrupted_while_setting() -> None:
        limits.deadline_alarm(time.monotonic() + 10, lambda: limits.LimitReached("too slow")).__enter__()

    interrupted_while_setting()
    try:
        assert limits._on_alarm(signal.SIGALRM, sys._getframe()) is None  # the host's code: no raise
        assert not limits._active
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    assert render("$input.body.matches('.*')") == "true"


def test_after_an_alarm_whose_handler_ran_the_host_s_next_alarm_reaches_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Review of issue 12: an alarm that went off and was handled during its render was
    still taken for one whose handler was to come, and the host's next alarm was dropped."""
    render("$input.body.matches('.*')")  # apigw's handler installed
    forwarded: list[int] = []
    monkeypatch.setattr(limits, "_replaced", [lambda signum, frame: forwarded.append(signum)])
    with (
        pytest.raises(limits.LimitReached),
        limits.deadline_alarm(time.monotonic() + 0.01, lambda: limits.LimitReached("too slow")),
    ):
        time.sleep(0.05)
    signal.raise_signal(signal.SIGALRM)
    assert forwarded == [signal.SIGALRM]


def test_a_limit_shorter_than_setting_the_alarm_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of issue 12: with a 20 us limit the alarm went off while it was being set."""
    monkeypatch.setattr("apigw_cli.vtl.runtime.MAX_RENDER_SECONDS", 2e-5)
    for _ in range(30):
        with contextlib.suppress(RenderLimitExceeded):
            render("$input.body.matches('.*')")
    time.sleep(0.12)  # an alarm left behind goes off here
    assert not limits._active
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_alarm_that_goes_off_as_its_render_ends_is_let_go(monkeypatch: pytest.MonkeyPatch) -> None:
    """The handler of an alarm that went off just as the render ended runs after the render:
    handing it to the replaced default action ended the process ("Alarm clock", seen once
    at the end of an apigw invoke). A later alarm of the host's still goes to the host."""

    render("$input.body.matches('.*')")  # apigw's handler installed
    forwarded: list[int] = []
    monkeypatch.setattr(limits, "_replaced", [lambda signum, frame: forwarded.append(signum)])
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        with limits.deadline_alarm(time.monotonic() + 0.01, lambda: limits.LimitReached("too slow")):
            time.sleep(0.05)  # it goes off, held back by the mask until the render has ended
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
    assert forwarded == []
    signal.raise_signal(signal.SIGALRM)
    assert forwarded == [signal.SIGALRM]


def test_the_time_limit_leaves_no_alarm_behind() -> None:

    render("$input.body.matches('.*')")  # a regex: the timer is set (see above)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize(
    "template",
    [
        "#set($m={})$m.get([1])",
        "#set($m={})#set($m[[1]] = 2)",
        "#set($x = {[1]: 2})",
        "#set($m={})$m.containsKey({})",
    ],
)
def test_lists_and_maps_as_map_keys_are_a_clear_error(template: str) -> None:
    with pytest.raises(TemplateRenderError, match="cannot use a list or a map as a map key"):
        render(template)


def test_text_built_by_method_calls_is_limited() -> None:
    """Each call's result counts toward MAX_TEXT_BUILT_CHARS (100 MB): 101 upper-cased copies
    of a 1 MB string stop the render, whatever it keeps."""
    template = "#foreach($i in [1..101])#set($t = $input.body.toUpperCase())#end"
    with pytest.raises(RenderLimitExceeded, match="built more than 104,857,600 characters"):
        render(template, json_request("x" * (1024 * 1024)))


@pytest.mark.parametrize(
    "template",
    [
        "x" * 30,
        "#macro(m)xxxxxxxxxx#end#m()#m()#m()",
        "#define($d)xxxxxxxxxx#end$d$d$d",
        "#evaluate('" + "x" * 31 + "')",
        "#foreach($i in [1..1])#{end}" + "x" * 29,
        "#macro(m)" + "x" * 10 + "#break#end#foreach($i in [1..5])#m()#end",
        "#foreach($i in [1..5])#evaluate('" + "x" * 10 + "#stop')#end",
        "#foreach($i in [1..5])#foreach($j in [1..3])" + "x" * 10 + "#break#end#end",
    ],
)
def test_every_way_of_writing_text_counts_toward_the_output_limit(
    monkeypatch: pytest.MonkeyPatch, template: str
) -> None:
    """Review of issue 12: generated code appends text in line; each append is counted, be
    it in a macro, a #define, an #evaluate, before a #break or #stop, or outside any loop."""
    monkeypatch.setattr("apigw_cli.vtl.runtime.MAX_OUTPUT_CHARS", 20)
    with pytest.raises(RenderLimitExceeded, match="text of more than 20 characters"):
        render(template)


@pytest.mark.parametrize("collection", ["$l", "$m", '"$l"', "$l.toString()"])
def test_printing_a_huge_collection_stops_at_the_string_limit(collection: str) -> None:
    """A list or map holding one 4 MB string three times would print 12 MB: refused while it
    is built, before any memory runs out (review of issue 12)."""
    template = (
        "#set($l = [])#set($m = {})#foreach($i in [1..3])#set($z = $l.add($input.body))"
        "#set($z = $m.put($i, $input.body))#end" + collection
    )
    with pytest.raises(RenderLimitExceeded, match="a string of more than 10,485,760 characters") as error:
        render(template, json_request("x" * (4 * 1024 * 1024)))
    assert error.value.column > len(template) - len(collection)  # at the output or call, not 1:1


def test_a_program_started_with_exec_after_a_render_gets_no_alarm() -> None:
    """Interval timers survive exec with SIGALRM's default action back: an alarm left after
    a render would kill the new program (review of issue 12: a shared ticker did)."""
    import subprocess

    probe = (
        "import os, sys\n"
        "from tests.helpers import render\n"
        "render(\"$input.body.matches('.*')\")\n"  # a regex: the timer is set
        "os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(0.2)'])\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=root)
    assert result.returncode == 0, result.stderr


def test_without_sigalrm_the_deadline_is_still_checked_between_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no SIGALRM: renders run, and loop passes and calls still check the clock."""
    monkeypatch.setattr("apigw_cli.vtl.limits._HAS_TIMER", False)
    assert render("#foreach($i in [1..3])$i#end") == "123"
    monkeypatch.setattr("apigw_cli.vtl.runtime.MAX_RENDER_SECONDS", 0.0)
    with pytest.raises(RenderLimitExceeded, match="took longer than"):
        render("#foreach($i in [1..3])$i#end")
