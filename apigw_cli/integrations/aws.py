"""AWS (non-proxy) integrations with Lambda: a function called with the request template's
output, whose answer becomes the integration response (spec §4). Other AWS services
(DynamoDB, S3, SQS...) are in :mod:`apigw_cli.integrations.aws_service`.
"""

from __future__ import annotations

import json

from apigw_cli.integrations.lambda_ import LambdaReply
from apigw_cli.models import Response

#: Where a Lambda integration's ``uri`` says which service it calls.
_LAMBDA_MARKER = ":lambda:path/"


def calls_lambda(uri: str | None) -> bool:
    """Whether an AWS integration's ``uri`` invokes a Lambda function.

    >>> calls_lambda("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations")
    True
    >>> calls_lambda("arn:aws:apigateway:us-east-1:dynamodb:action/Query")
    False
    """
    return uri is not None and _LAMBDA_MARKER in uri


def lambda_integration_response(reply: LambdaReply) -> tuple[Response, str]:
    """The integration response of a Lambda call, and the text selection patterns match.

    The body is the function's result as JSON (``"Pass"`` keeps its quotes), or its error
    object. Patterns match the error's ``errorMessage``; a success matches as the empty
    text, so ``.*`` selects it and ``.+`` does not (recorded, spec §4).
    """
    headers = {"Content-Type": ["application/json"], "X-Amz-Executed-Version": ["$LATEST"]}
    body = reply.payload.decode("utf-8", errors="replace")
    if reply.function_error is None:
        return Response(status=200, headers=headers, body=body), ""
    headers["X-Amz-Function-Error"] = [reply.function_error]
    try:
        error = json.loads(body)
    except (ValueError, RecursionError):
        error = None
    message = error.get("errorMessage") if isinstance(error, dict) else None
    return Response(status=200, headers=headers, body=body), "" if message is None else str(message)
