"""binaryMediaTypes and contentHandling (spec §3.3), unit by unit and through a real backend."""

from __future__ import annotations

import base64

import pytest

from apigw_cli.encoding import EncodingError, Payload, request_payload, response_payload
from tests.backend import Backend
from tests.invoke.conftest import Simulate

PNG = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0x00])
PNG_B64 = base64.b64encode(PNG).decode()


@pytest.mark.parametrize(
    ("payload", "binary", "handling", "expected"),
    [
        (Payload("text"), False, None, Payload("text")),  # text, unset: a UTF-8 string
        (Payload(PNG_B64, True), True, None, Payload(PNG_B64, True)),  # binary, unset: the bytes
        (Payload(PNG_B64, True), True, "CONVERT_TO_TEXT", Payload(PNG_B64)),  # binary to base64 text
        (Payload(PNG_B64), False, "CONVERT_TO_BINARY", Payload(PNG_B64, True)),  # base64 text to bytes
        (Payload("plain"), True, None, Payload(base64.b64encode(b"plain").decode(), True)),
    ],
)
def test_request_payloads(payload: Payload, binary: bool, handling: str | None, expected: Payload) -> None:
    assert request_payload(payload, binary=binary, handling=handling) == expected


@pytest.mark.parametrize(
    ("payload", "binary", "binary_accept", "handling", "expected"),
    [
        (Payload(PNG_B64, True), True, False, None, Payload(PNG_B64)),  # binary to a text Accept: base64
        (Payload(PNG_B64), False, True, None, Payload(PNG_B64, True)),  # text to a binary Accept: decoded
        (Payload(PNG_B64, True), True, True, None, Payload(PNG_B64, True)),
        (Payload('{"a": 1}'), False, False, None, Payload('{"a": 1}')),
        (Payload(PNG_B64), False, False, "CONVERT_TO_BINARY", Payload(PNG_B64, True)),
        (Payload(PNG_B64, True), True, True, "CONVERT_TO_TEXT", Payload(PNG_B64)),
    ],
)
def test_response_payloads(
    payload: Payload, binary: bool, binary_accept: bool, handling: str | None, expected: Payload
) -> None:
    assert response_payload(payload, binary=binary, binary_accept=binary_accept, handling=handling) == expected


def test_text_that_is_not_base64_cannot_become_binary() -> None:
    with pytest.raises(EncodingError):
        request_payload(Payload("not base64!"), binary=False, handling="CONVERT_TO_BINARY")


UPLOAD = {"method": "PUT", "headers": {"Content-Type": "image/png"}, "body": PNG_B64, "isBase64Encoded": True}


def test_a_binary_upload_reaches_the_backend_as_bytes(backend: Backend, simulate: Simulate) -> None:
    integration = {
        "type": "http",
        "httpMethod": "PUT",
        "uri": backend.url + "/img",
        "responses": {"default": {"statusCode": "200"}},
    }
    simulate(integration, UPLOAD, binary_media_types=("image/*",))
    assert backend.received[0].body == PNG


def test_convert_to_text_sends_base64_and_templates_see_it(backend: Backend, simulate: Simulate) -> None:
    integration = {
        "type": "http",
        "httpMethod": "PUT",
        "uri": backend.url + "/img",
        "contentHandling": "CONVERT_TO_TEXT",
        "requestTemplates": {"image/png": '{"data": "$input.body"}'},
        "responses": {"default": {"statusCode": "200"}},
    }
    simulate(integration, UPLOAD, binary_media_types=("image/*",))
    assert backend.received[0].body == f'{{"data": "{PNG_B64}"}}'.encode()


def test_a_binary_answer_comes_back_as_the_accept_header_asks(backend: Backend, simulate: Simulate) -> None:
    backend.headers, backend.body = [("Content-Type", "image/png")], PNG
    integration = {
        "type": "http",
        "httpMethod": "GET",
        "uri": backend.url + "/img",
        "responses": {"default": {"statusCode": "200"}},
    }
    as_text = simulate(integration, {"headers": {"Accept": "application/json"}}, binary_media_types=("image/*",))
    assert (as_text.response.body, as_text.response.is_base64_encoded) == (PNG_B64, False)
    as_bytes = simulate(integration, {"headers": {"Accept": "image/png"}}, binary_media_types=("image/*",))
    assert (as_bytes.response.body, as_bytes.response.is_base64_encoded) == (PNG_B64, True)


def test_a_template_can_produce_binary_with_convert_to_binary(simulate: Simulate) -> None:
    integration = {
        "type": "mock",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "responses": {"default": {"statusCode": "200", "contentHandling": "CONVERT_TO_BINARY",
                                  "responseTemplates": {"application/json": PNG_B64}}},
    }  # fmt: skip
    result = simulate(integration)
    assert (result.response.body, result.response.is_base64_encoded) == (PNG_B64, True)
    assert result.response.headers["Content-Length"] == [str(len(PNG))]


def test_convert_to_binary_of_text_that_is_not_base64_is_a_500(simulate: Simulate) -> None:
    integration = {
        "type": "mock",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "responses": {"default": {"statusCode": "200", "contentHandling": "CONVERT_TO_BINARY",
                                  "responseTemplates": {"application/json": "not base64!"}}},
    }  # fmt: skip
    result = simulate(integration)
    assert result.response.status == 500
    assert result.failure is not None and "CONVERT_TO_BINARY cannot decode it" in result.failure
