"""MOCK: no backend; the request template's ``statusCode`` stands for the backend status (spec §5)."""

from __future__ import annotations

import json
import re

#: A ``statusCode`` key (quoted either way or bare) and an integer value (quoted or not);
#: more digits than any status has is no status.
_LENIENT_STATUS = re.compile(r"""(?:"statusCode"|'statusCode'|\bstatusCode)\s*:\s*(["']?)(-?\d{1,9})\1(?!\d)""")


def mock_status(output: str) -> int | None:
    """The integer ``statusCode`` of a MOCK request template's output, or ``None``.

    Strict JSON first; AWS also accepts ``{statusCode: 200}`` (CDK's CORS helper) and a
    trailing comma (both recorded), so failing JSON the value after a ``statusCode`` key is
    read. A quoted ``"200"`` is accepted on the guess that AWS reads the output with a
    lenient JSON reader (unconfirmed).

    >>> mock_status('{"statusCode": 200}'), mock_status('{statusCode: 404}'), mock_status('{\\n "statusCode": 200,\\n}')
    (200, 404, 200)
    >>> mock_status('{"status": 200}') is None, mock_status('{"statusCode": "abc"}') is None
    (True, True)
    """
    try:
        document = json.loads(output)
    except (ValueError, RecursionError):
        match = _LENIENT_STATUS.search(output)
        return int(match.group(2)) if match else None
    value = document.get("statusCode") if isinstance(document, dict) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) < 10**9:
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value.strip(), re.ASCII):
        return int(value)
    return None
