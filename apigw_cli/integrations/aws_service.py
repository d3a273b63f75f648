"""AWS service integrations: type ``AWS`` with a service URI such as
``arn:aws:apigateway:us-east-1:dynamodb:action/PutItem`` or
``arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}`` (spec §10.1).

API Gateway sends the transformed request to the service's regional endpoint, signed with
SigV4 under the integration's execution role. apigw builds the same request, then sends it
to an AWS-compatible endpoint the user names (moto, LocalStack, or AWS itself on purpose),
signed by botocore with the standard credential chain; it never picks an AWS address itself.

What API Gateway does with an ``action/`` URI is recorded by execution logs and LocalStack's
tests against AWS: ``Action=NAME`` leads the query string (mapped query parameters follow),
and for DynamoDB, Kinesis and Step Functions an ``X-Amz-Target`` header names the action.
Those three also get their JSON protocol's ``Content-Type`` unless the integration maps one
(unconfirmed: the services expect it, and no recording shows what AWS sends). Every other
service gets what the request template and mappings produce (the query protocol, or an
``X-Amz-Target`` the integration maps itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from apigw_cli.errors import DefinitionError, UsageError

if TYPE_CHECKING:
    from botocore.credentials import ReadOnlyCredentials

    from apigw_cli.integrations.base import EndpointRequest

#: ``arn:PARTITION:apigateway:REGION:[SUBDOMAIN.]SERVICE:action/NAME[&k=v...]`` or ``:path/PATH``.
_SERVICE_URI = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):apigateway:(?P<region>[a-z0-9-]+):"
    r"(?:(?P<subdomain>[^:/]+)\.)?(?P<service>[a-z0-9-]+):(?P<kind>action|path)/(?P<target>.*)",
    re.DOTALL,
)
#: Services whose actions API Gateway names in ``X-Amz-Target``: the target's prefix and the
#: JSON protocol's version.
_JSON_PROTOCOLS = {
    "dynamodb": ("DynamoDB_20120810", "1.0"),
    "kinesis": ("Kinesis_20131202", "1.1"),
    "states": ("AWSStepFunctions", "1.0"),
}
#: The variable the AWS SDKs and CLI read for a custom endpoint.
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL"


@dataclass(frozen=True)
class ServiceUri:
    """An AWS service integration's ``uri``, taken apart."""

    partition: str
    region: str
    #: As the ARN names it, which is also SigV4's signing name (``states`` for Step Functions).
    service: str
    #: ``mybucket`` in ``mybucket.s3``: the first label of the service's host name.
    subdomain: str | None
    #: ``action`` or ``path``.
    kind: str
    #: The action's name and its own ``&k=v`` parameters, or the path after ``path/``.
    target: str

    @classmethod
    def parse(cls, uri: str | None, source: str) -> ServiceUri:
        match = _SERVICE_URI.fullmatch(uri or "")
        if match is None:
            raise DefinitionError(
                f"{source}: uri {uri!r} is not an AWS service URI",
                hint="arn:aws:apigateway:REGION:SERVICE:action/ACTION or arn:aws:apigateway:REGION:SERVICE:path/PATH",
            )
        return cls(**match.groupdict())

    @property
    def action(self) -> str | None:
        return self.target.partition("&")[0] if self.kind == "action" else None

    @property
    def host(self) -> str:
        """The regional endpoint API Gateway calls."""
        domain = "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"
        label = f"{self.subdomain}." if self.subdomain else ""
        return f"{label}{self.service}.{self.region}.{domain}"

    def url(self) -> str:
        """The endpoint URL before ``{name}`` and ``${stageVariables.x}`` are filled in and
        mapped query parameters appended: ``Action=NAME`` leads an action's query string."""
        if self.kind == "action":
            name, _, parameters = self.target.partition("&")
            return f"https://{self.host}/?Action={name}" + (f"&{parameters}" if parameters else "")
        return f"https://{self.host}/{self.target}"

    def protocol_headers(self) -> dict[str, str]:
        """The headers an action of a JSON-protocol service gets unless the integration maps them."""
        protocol = _JSON_PROTOCOLS.get(self.service)
        if protocol is None or self.action is None:
            return {}
        prefix, version = protocol
        return {"Content-Type": f"application/x-amz-json-{version}", "X-Amz-Target": f"{prefix}.{self.action}"}

    def describe(self) -> str:
        """``dynamodb action PutItem in us-east-1``, for the execution log."""
        what = f"action {self.action}" if self.kind == "action" else f"path /{self.target}"
        return f"{self.service} {what} in {self.region}"


def check_endpoint(url: str, where: str) -> str:
    """A usable ``--aws-endpoint``/``AWS_ENDPOINT_URL``: an http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise UsageError(f"{where} {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise UsageError(f"{where} {url!r}: expected an http:// or https:// URL such as http://127.0.0.1:5000")
    return url


def endpoint_url(aws_url: str, endpoint: str, service: ServiceUri) -> str:
    """``aws_url`` sent to ``endpoint`` instead: its path and query under the endpoint's.
    A bucket named in S3's host name (``mybucket.s3``) moves into the path, as path-style
    requests name it, since a local endpoint has no host name per bucket."""
    aws, base = urlsplit(aws_url), urlsplit(endpoint)
    path = f"/{service.subdomain}{aws.path}" if service.service == "s3" and service.subdomain else aws.path
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + path, aws.query, ""))


def no_endpoint(service: ServiceUri, source: str) -> UsageError:
    return UsageError(
        f"{source}: the integration calls AWS {service.describe()}; apigw calls only an endpoint you name, "
        f"never AWS by itself",
        hint=f"--aws-endpoint URL (or {ENDPOINT_VARIABLE}) for a local endpoint such as moto_server or LocalStack; "
        "--backend-response FILE (response: in a case) for a stand-in answer",
    )


def sign(request: EndpointRequest, service: ServiceUri, body: bytes) -> EndpointRequest:
    """``request`` with SigV4 headers (``Authorization``, ``X-Amz-Date``; a session's
    ``X-Amz-Security-Token``; S3's ``X-Amz-Content-SHA256``) from botocore's signer."""
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest

    headers = {name: ",".join(values) for name, values in request.headers.items()}
    signed = AWSRequest(method=request.method, url=request.url, data=body, headers=headers)
    signer = S3SigV4Auth if service.service == "s3" else SigV4Auth
    signer(credentials(), service.service, service.region).add_auth(signed)
    added = {name: [value] for name, value in signed.headers.items() if name not in headers}
    return replace(request, headers={**request.headers, **added})


@cache
def credentials() -> ReadOnlyCredentials:
    """The standard credential chain's credentials (environment, profile files, SSO, the
    container or instance role), as the AWS CLI finds them; once per process."""
    import botocore.session
    from botocore.exceptions import BotoCoreError

    try:
        found = botocore.session.get_session().get_credentials()
        frozen = found.get_frozen_credentials() if found is not None else None
    except BotoCoreError as exc:
        raise UsageError(f"AWS credentials: {exc}") from None
    if frozen is None or not frozen.access_key:
        raise UsageError(
            "no AWS credentials to sign the request with",
            hint="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any values for a local endpoint) or AWS_PROFILE",
        )
    return frozen


def signer_label() -> str:
    """Which credentials sign, for the log: the access key's last four characters."""
    return f"access key ...{credentials().access_key[-4:]}"
