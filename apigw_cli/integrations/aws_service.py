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

import os
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from apigw_cli.errors import DefinitionError, UsageError
from apigw_cli.gateway_responses import API_CONFIGURATION_ERROR
from apigw_cli.integrations.base import ExecutionFailed
from apigw_cli.integrations.http import url_quote
from apigw_cli.models import MultiValues

if TYPE_CHECKING:
    from botocore.credentials import ReadOnlyCredentials

    from apigw_cli.integrations.base import EndpointRequest

#: ``arn:PARTITION:apigateway:REGION:[SUBDOMAIN.]SERVICE:action/NAME[&k=v...]`` or ``:path/PATH``.
_SERVICE_URI = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):apigateway:(?P<region>[a-z0-9-]+):"
    r"(?:(?P<subdomain>[^:/\s]+)\.)?(?P<service>[a-z0-9-]+):(?P<kind>action|path)/(?P<target>[^\s#]+)"
)
#: Services whose actions API Gateway names in ``X-Amz-Target``: the target's prefix and the
#: JSON protocol's version.
_JSON_PROTOCOLS = {
    "dynamodb": ("DynamoDB_20120810", "1.0"),
    "kinesis": ("Kinesis_20131202", "1.1"),
    "states": ("AWSStepFunctions", "1.0"),
}
#: Headers the signature sets: a mapping cannot replace them (AWS signs last too).
_SIGNING_HEADERS = frozenset({"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"})
#: What a URI component keeps unencoded in SigV4's canonical form (RFC 3986's unreserved).
_UNRESERVED = "-_.~"
#: The variable the AWS SDKs and CLI read for a custom endpoint.
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL"


@dataclass(frozen=True)
class AwsEndpoint:
    """Where service requests go, and how the user gave it (for messages)."""

    url: str
    given_as: str = "--aws-endpoint"

    @classmethod
    def chosen(cls, option: str | None) -> AwsEndpoint | None:
        """``--aws-endpoint``, else ``AWS_ENDPOINT_URL``; checked when a service is called."""
        if option:
            return cls(option)
        variable = os.environ.get(ENDPOINT_VARIABLE)
        return cls(variable, ENDPOINT_VARIABLE) if variable else None

    def checked(self) -> str:
        """The endpoint as ``scheme://host[:port][/path]``: host in lower case, a default port
        left out (as the signature names the host), refused unless usable."""
        try:
            parts = urlsplit(self.url)
            port = parts.port
        except ValueError as exc:
            raise UsageError(f"{self.given_as} {self.url!r}: {exc}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise UsageError(
                f"{self.given_as} {self.url!r}: expected an http:// or https:// URL such as http://127.0.0.1:5000"
            )
        if parts.username is not None:
            raise UsageError(f"{self.given_as}: a user name or password in the URL is not used; leave it out")
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        if port is not None and port != {"http": 80, "https": 443}[parts.scheme]:
            host = f"{host}:{port}"
        return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


@dataclass(frozen=True)
class ServiceUri:
    """An AWS service integration's ``uri``, taken apart."""

    partition: str
    region: str
    #: As the ARN names it, which is also SigV4's signing name (``states`` for Step Functions).
    service: str
    #: ``mybucket`` in ``mybucket.s3``: the first labels of the service's host name.
    subdomain: str | None
    #: ``action`` or ``path``.
    kind: str
    #: The action's name and its own ``&k=v`` parameters, or the path after ``path/``.
    target: str

    @classmethod
    def parse(cls, uri: str | None, source: str) -> ServiceUri:
        match = _SERVICE_URI.fullmatch(uri or "")
        if match is None or (match["kind"] == "action" and match["target"].startswith("&")):
            raise DefinitionError(
                f"{source}: uri {uri!r} is not an AWS service URI",
                hint="arn:aws:apigateway:REGION:SERVICE:action/ACTION or arn:aws:apigateway:REGION:SERVICE:path/PATH",
            )
        return cls(**match.groupdict())

    @property
    def domain(self) -> str:
        return "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"

    def url(self) -> str:
        """The endpoint URL before ``{name}`` and ``${stageVariables.x}`` are filled in and
        mapped query parameters appended: ``Action=NAME`` leads an action's query string."""
        label = f"{self.subdomain}." if self.subdomain else ""
        host = f"{label}{self.service}.{self.region}.{self.domain}"
        if self.kind == "action":
            return f"https://{host}/?Action={self.target}"
        return f"https://{host}/{self.target}"

    def protocol_headers(self, url: str) -> dict[str, str]:
        """The headers an action of a JSON-protocol service gets unless the integration maps
        them; ``url`` is the filled-in URL, whose ``Action`` names the action."""
        protocol = _JSON_PROTOCOLS.get(self.service)
        action = dict(parse_qsl(urlsplit(url).query)).get("Action") if self.kind == "action" else None
        if protocol is None or not action:
            return {}
        prefix, version = protocol
        return {"Content-Type": f"application/x-amz-json-{version}", "X-Amz-Target": f"{prefix}.{action}"}

    def describe(self) -> str:
        """``dynamodb action PutItem in us-east-1``, for the execution log."""
        what = f"action {self.target.partition('&')[0]}" if self.kind == "action" else f"path /{self.target}"
        return f"{self.service} {what} in {self.region}"

    def local_url(self, aws_url: str, endpoint: str) -> str:
        """``aws_url`` sent to ``endpoint`` (a checked one) instead. A bucket named in S3's
        host name (``mybucket.s3``) moves into the path, as path-style requests name it: a
        local endpoint has no host name per bucket. Another subdomain stays AWS's only."""
        aws, base = urlsplit(aws_url), urlsplit(endpoint)
        path = aws.path
        suffix = f".{self.service}.{self.region}.{self.domain}"
        host = aws.netloc
        if self.service == "s3" and host.endswith(suffix) and len(host) > len(suffix):
            path = f"/{host[: -len(suffix)]}{path}"
        return urlunsplit((base.scheme, base.netloc, base.path + path, aws.query, ""))


def canonical_url(url: str) -> str:
    """``url`` with its path segments and query names and values encoded as SigV4's
    canonical form encodes them, so that what is signed is what is sent."""
    parts = urlsplit(url)
    path = "/".join(url_quote(unquote(segment), _UNRESERVED) for segment in parts.path.split("/"))
    pairs = (pair.partition("=") for pair in parts.query.split("&") if pair) if parts.query else ()
    query = "&".join(
        f"{url_quote(unquote(name), _UNRESERVED)}{mark}{url_quote(unquote(value), _UNRESERVED)}"
        for name, mark, value in pairs
    )
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def no_endpoint(service: ServiceUri, source: str) -> UsageError:
    return UsageError(
        f"{source}: the integration calls AWS {service.describe()}; apigw calls only an endpoint you name, "
        f"never AWS by itself",
        hint=f"--aws-endpoint URL (or {ENDPOINT_VARIABLE}) for a local endpoint such as moto_server or LocalStack; "
        "--backend-response FILE (response: in a case) for a stand-in answer",
    )


def sign(request: EndpointRequest, service: ServiceUri, body: bytes, endpoint: str) -> EndpointRequest:
    """``request`` (to ``endpoint``) with SigV4 headers from botocore's signer
    (``Authorization``, ``X-Amz-Date``; a session's ``X-Amz-Security-Token``; S3's
    ``X-Amz-Content-SHA256``), which replace any the integration mapped."""
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest

    headers: MultiValues = {
        name: values for name, values in request.headers.items() if name.lower() not in _SIGNING_HEADERS
    }
    for name, values in headers.items():
        for value in values:
            try:
                value.encode("latin-1")
            except UnicodeEncodeError:
                raise ExecutionFailed(
                    API_CONFIGURATION_ERROR,
                    "Execution failed due to configuration error: Invalid header",
                    f"the {name} header's value {value!r} cannot be sent in an HTTP header",
                ) from None
    host = urlsplit(request.url).netloc
    signed = AWSRequest(
        method=request.method,
        url=request.url,
        data=body,
        headers={**{name: ",".join(values) for name, values in headers.items()}, "Host": host},
    )
    signer = S3SigV4Auth if service.service == "s3" else SigV4Auth
    signer(credentials(endpoint), service.service, service.region).add_auth(signed)
    added = {name: [value] for name, value in signed.headers.items() if name.lower() in _SIGNING_HEADERS}
    if any("\r" in value or "\n" in value for values in added.values() for value in values):
        raise UsageError("the AWS credentials hold a line break, which no header can carry")
    return replace(request, headers={**headers, **added})


@cache
def credentials(endpoint: str) -> ReadOnlyCredentials:
    """The standard credential chain's credentials (environment, profile files, SSO, the
    container or instance role), as the AWS CLI finds them; once per process. Credentials
    that must be fetched (an assumed role, SSO) are fetched from ``endpoint`` too, never
    from AWS unless it is AWS's."""
    import botocore.session

    saved = os.environ.get(ENDPOINT_VARIABLE)
    os.environ[ENDPOINT_VARIABLE] = endpoint
    try:
        found = botocore.session.get_session().get_credentials()
        frozen = found.get_frozen_credentials() if found is not None else None
    except Exception as exc:  # noqa: BLE001 - any provider of the chain may fail in its own way
        raise UsageError(f"AWS credentials: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    finally:
        if saved is None:
            del os.environ[ENDPOINT_VARIABLE]
        else:
            os.environ[ENDPOINT_VARIABLE] = saved
    if frozen is None or not frozen.access_key:
        raise UsageError(
            "no AWS credentials to sign the request with",
            hint="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any values for a local endpoint) or AWS_PROFILE",
        )
    for part in (frozen.access_key, frozen.secret_key or "", frozen.token or ""):
        if not part.isascii() or any(char in part for char in "\r\n"):
            raise UsageError("the AWS credentials hold characters no header can carry")
    return frozen


def signer_label(endpoint: str) -> str:
    """Which credentials sign, for the log: the access key's last four characters."""
    return f"access key ...{credentials(endpoint).access_key[-4:]}"
