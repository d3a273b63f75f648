"""What API Gateway chooses: request template and passthrough (spec §3.1), response template
(§3.2), integration response by selection pattern (§4)."""

from __future__ import annotations

import pytest

from apigw_cli.definitions.integration import IntegrationResponse, MappingTemplate
from apigw_cli.definitions.select import (
    SelectionError,
    UnsupportedMediaType,
    select_integration_response,
    select_request_template,
    select_response_template,
)

JSON_ONLY = {"application/json": MappingTemplate("json", "t")}
XML_ONLY = {"application/xml": MappingTemplate("xml", "t")}


@pytest.mark.parametrize(
    ("templates", "content_type", "behavior", "outcome"),
    [
        # The table of spec §3.1, row by row.
        (JSON_ONLY, None, "WHEN_NO_MATCH", "json"),
        (JSON_ONLY, "application/json; charset=UTF-8", "NEVER", "json"),
        (JSON_ONLY, "application/xml", "WHEN_NO_MATCH", "passthrough"),
        (JSON_ONLY, "application/xml", "WHEN_NO_TEMPLATES", 415),
        (JSON_ONLY, "application/xml", "NEVER", 415),
        (XML_ONLY, None, "WHEN_NO_MATCH", "passthrough"),
        (XML_ONLY, "application/json", "WHEN_NO_TEMPLATES", 415),
        (XML_ONLY, None, "NEVER", 415),
        ({}, "text/plain", "WHEN_NO_MATCH", "passthrough"),
        ({}, "text/plain", "WHEN_NO_TEMPLATES", "passthrough"),
        ({}, "text/plain", "NEVER", 415),
    ],
)
def test_request_template_and_passthrough(
    templates: dict[str, MappingTemplate], content_type: str | None, behavior: str, outcome: object
) -> None:
    if outcome == 415:
        with pytest.raises(UnsupportedMediaType):
            select_request_template(templates, content_type, behavior)
        return
    choice = select_request_template(templates, content_type, behavior)
    assert (choice.template.text if choice.template else "passthrough") == outcome


def test_response_template_by_first_accept_type_then_json_then_first() -> None:
    """Spec §3.2: only the first Accept type counts; no match falls back."""
    templates = {"application/xml": MappingTemplate("xml", "t"), "application/json": MappingTemplate("json", "t")}
    assert select_response_template(templates, "application/xml, application/json").template.text == "xml"  # type: ignore[union-attr]
    assert select_response_template(templates, "application/json, application/xml").template.text == "json"  # type: ignore[union-attr]
    assert select_response_template(templates, "text/html").template.text == "json"  # type: ignore[union-attr]
    assert select_response_template(XML_ONLY, "text/html").template.text == "xml"  # type: ignore[union-attr]
    assert select_response_template({}, "text/html").template is None


def response(pattern: str | None, status: int) -> IntegrationResponse:
    return IntegrationResponse(status=status, selection_pattern=pattern)


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("Invalid*", "Invalid input", False),  # whole-string match (spec §4)
        ("Invalid.*", "Invalid input", True),
        ("404", "404", True),
        ("4\\d{2}", "404", True),
        (".*404.*", "Error 404 here", True),
        ("404", "Error 404 here", False),
        (".+", "line one\nline two", False),  # '.' stops at a new line
        ("(\\n|.)+", "line one\nline two", True),
        (".*", "", True),  # a Lambda success matches as the empty text: .* replaces the default
        (".+", "", False),
    ],
)
def test_selection_patterns_match_the_whole_value_as_java_does(pattern: str, value: str, matches: bool) -> None:
    selection = select_integration_response([response(pattern, 400), response(None, 200)], value)
    assert selection.response is not None
    assert (selection.response.status == 400) is matches


def test_the_first_defined_of_several_matches_wins() -> None:
    """Recorded: '.*four hundred.*' (405) beat '.+' (502), defined first (spec §4)."""
    responses = [response(None, 200), response(".*four hundred.*", 405), response(".+", 502)]
    selection = select_integration_response(responses, "Error: four hundred")
    assert selection.response is not None and selection.response.status == 405
    assert [item.status for item in selection.also_matched] == [502]


def test_no_match_and_no_default_selects_nothing() -> None:
    assert select_integration_response([response("5\\d{2}", 500)], "200").response is None


def test_a_selection_pattern_that_backtracks_stops_at_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of issue 12: the match runs in the frame that set the alarm, once taken for a
    render's end (the alarm let be): 16 s past a 0.5 s limit."""
    monkeypatch.setattr("apigw_cli.definitions.select.MAX_RENDER_SECONDS", 0.5)
    with pytest.raises(SelectionError, match="took longer than 0.5 seconds"):
        select_integration_response([response("(a|aa)+", 400)], "a" * 60 + "b")


def test_a_pattern_java_rejects_is_an_error() -> None:
    with pytest.raises(SelectionError, match="not a valid regular expression"):
        select_integration_response([response("(unclosed", 400)], "x")
