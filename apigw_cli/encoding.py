"""Payload encodings of non-proxy integrations: ``binaryMediaTypes`` and ``contentHandling``
(spec §3.3).

A body is kept as text, or as base64 of its raw bytes with a flag (as request and response
files write it). ``CONVERT_TO_TEXT`` turns binary into its base64 text; ``CONVERT_TO_BINARY``
reads text as base64 and decodes it. Unset, the request body passes as it is, and the
response converts by the client's ``Accept``: binary to a text type comes out as base64, text
to a binary type is decoded.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from fnmatch import fnmatchcase

from apigw_cli.models import decode_body

TO_TEXT = "CONVERT_TO_TEXT"
TO_BINARY = "CONVERT_TO_BINARY"


class EncodingError(ValueError):
    """A payload to decode from base64 is not base64: API Gateway answers 500."""


@dataclass(frozen=True)
class Payload:
    """A body: text, or base64 of raw bytes when ``is_base64_encoded``."""

    body: str
    is_base64_encoded: bool = False

    def raw(self) -> bytes:
        return base64.b64decode(self.body) if self.is_base64_encoded else self.body.encode("utf-8")

    def text(self) -> str:
        """As text (undecodable bytes become U+FFFD): what a template or a Lambda sees."""
        return decode_body(self.body, self.is_base64_encoded)


def is_binary(media_type: str | None, binary_media_types: tuple[str, ...]) -> bool:
    """Whether a MIME type matches the API's ``binaryMediaTypes`` (wildcards allowed).

    >>> is_binary("image/png", ("image/*",)), is_binary("application/json", ("image/*",))
    (True, False)
    """
    if not media_type:
        return False
    wanted = media_type.split(";", 1)[0].strip().lower()
    return any(fnmatchcase(wanted, pattern.lower()) for pattern in binary_media_types)


def as_text(payload: Payload) -> Payload:
    """Binary as its base64 text; text unchanged."""
    return Payload(payload.body) if payload.is_base64_encoded else payload


def as_binary(payload: Payload) -> Payload:
    """Text read as base64, as the bytes it encodes; binary unchanged."""
    if payload.is_base64_encoded:
        return payload
    try:
        base64.b64decode(payload.body.strip(), validate=True)
    except binascii.Error:
        raise EncodingError("the payload is not base64, so CONVERT_TO_BINARY cannot decode it") from None
    return Payload(payload.body.strip(), True)


def request_payload(payload: Payload, *, binary: bool, handling: str | None) -> Payload:
    """The integration request body: ``binary`` when the request's ``Content-Type`` is one of
    the API's binary media types."""
    if binary:
        raw = Payload(base64.b64encode(payload.raw()).decode("ascii"), True)
        return as_text(raw) if handling == TO_TEXT else raw
    return as_binary(payload) if handling == TO_BINARY else payload


def response_payload(payload: Payload, *, binary: bool, binary_accept: bool, handling: str | None) -> Payload:
    """The method response body from the integration response's: ``binary`` when its
    ``Content-Type`` is a binary media type, ``binary_accept`` when the client's first
    ``Accept`` type is."""
    if handling == TO_TEXT:
        return as_text(Payload(base64.b64encode(payload.raw()).decode("ascii"), True) if binary else payload)
    if handling == TO_BINARY:
        return as_binary(payload)
    if binary and not binary_accept:
        return Payload(base64.b64encode(payload.raw()).decode("ascii"))
    if not binary and binary_accept:
        return as_binary(payload)
    return payload
