"""What every integration shares: the endpoint request it sends, and the failure it raises
when the call cannot complete (AWS then answers with a gateway response, spec §9)."""

from __future__ import annotations

from dataclasses import dataclass, field

from apigw_cli.gateway_responses import GatewayResponseType, gateway_response
from apigw_cli.models import MultiValues, Response


@dataclass
class EndpointRequest:
    """The request API Gateway sends to the backend, after mapping and templates."""

    method: str
    url: str
    headers: MultiValues = field(default_factory=dict)
    body: str = ""
    #: True when ``body`` is base64 of raw bytes.
    is_base64_encoded: bool = False


class ExecutionFailed(Exception):
    """The call cannot complete where AWS logs "Execution failed": the backend is
    unreachable, timed out, crashed or answered something API Gateway rejects, or the
    configuration cannot work for this request."""

    def __init__(self, kind: GatewayResponseType, log_message: str, detail: str) -> None:
        super().__init__(detail)
        #: Which gateway response AWS gives.
        self.kind = kind
        #: The execution log line AWS writes (``Execution failed due to ...``).
        self.log_message = log_message
        #: One line for the user: what failed, and where (``handler.py:12: KeyError: 'id'``).
        self.detail = detail

    def response(self) -> Response:
        return gateway_response(self.kind)
