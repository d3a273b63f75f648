"""Lambda functions as API Gateway invokes them: a local Python handler run in a fresh
process, or a function behind a Lambda Invoke API endpoint (``sam local start-lambda``,
LocalStack).

Either way the answer is a :class:`LambdaReply`: the payload and whether the function
failed, as the Invoke API reports them. What API Gateway makes of it is up to the
integration (:mod:`apigw_cli.integrations.aws`, :mod:`~apigw_cli.integrations.lambda_proxy`).
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from apigw_cli.errors import InputError, UsageError
from apigw_cli.gateway_responses import API_CONFIGURATION_ERROR, INTEGRATION_TIMEOUT
from apigw_cli.integrations.base import EndpointRequest, ExecutionFailed
from apigw_cli.models import MultiValues
from apigw_cli.vtl.context import DEFAULT_ACCOUNT_ID, DEFAULT_REGION

BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")
#: Lambda's defaults: a function times out after 3 seconds and has 128 MB.
DEFAULT_FUNCTION_TIMEOUT_S = 3.0
#: Lambda's longest function timeout.
MAX_FUNCTION_TIMEOUT_S = 900.0
DEFAULT_MEMORY_MB = 128
#: Lambda's limit on a synchronous response payload, and its error when exceeded.
MAX_PAYLOAD_BYTES = 6_291_556
#: Time Lambda gives a function to load (its init phase) before the timeout starts.
INIT_LIMIT_S = 10.0
#: How much of a handler's output the log keeps.
MAX_LOG_BYTES = 1024 * 1024
#: The handler's first byte on the outcome pipe: it is loaded (see lambda_bootstrap.py).
READY = b"R"
#: How long past its timeout a function that ignores the timer gets before it is killed.
_GRACE_S = 0.5
#: How often the wait for a handler looks at the clock.
_POLL_S = 0.05
#: ``arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations``.
_LAMBDA_URI = re.compile(r"arn:aws[\w-]*:apigateway:([\w-]+):lambda:path/[\d-]+/functions/(.+?)/invocations")
_FUNCTION_ARN = re.compile(r"arn:aws[\w-]*:lambda:([\w-]+):(\d+):function:([\w-]+)(?::([\w$-]+))?")


@dataclass
class LambdaReply:
    """What the Invoke API answered."""

    payload: bytes
    #: ``X-Amz-Function-Error`` (``Unhandled``) when the function failed.
    function_error: str | None
    #: The function's own output (its CloudWatch log).
    log: str
    #: Where the function failed, when it did (``handler.py:12``).
    where: str | None = None

    def error_summary(self) -> str:
        """``errorType: errorMessage`` of a failed invocation."""
        try:
            error = json.loads(self.payload)
        except (ValueError, RecursionError):
            return self.payload.decode("utf-8", errors="replace")[:200]
        if not isinstance(error, dict):
            return str(error)
        kind, message = error.get("errorType"), error.get("errorMessage")
        return f"{kind}: {message}" if kind else str(message)


class LambdaFunction(Protocol):
    #: The function's name, as the Invoke API addresses it.
    name: str

    def invoke(self, payload: str, *, request_id: str, timeout_s: float) -> LambdaReply:
        """Invoke with ``payload`` (JSON text); give up with a 504 after ``timeout_s``."""
        ...


@dataclass(frozen=True)
class FunctionIdentity:
    """Names a function goes by: from the integration ``uri`` when it holds a Lambda ARN."""

    name: str
    arn: str
    region: str

    @classmethod
    def from_uri(cls, uri: str | None, fallback_name: str) -> FunctionIdentity:
        """``uri`` may be the integration's ARN, a function ARN, or a plain function name.

        >>> FunctionIdentity.from_uri("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
        ...     "arn:aws:lambda:eu-west-1:111111111111:function:echo/invocations", "x").name
        'echo'
        """
        text = uri or ""
        integration = _LAMBDA_URI.fullmatch(text)
        if integration is not None:
            text = integration.group(2)
        function = _FUNCTION_ARN.fullmatch(text)
        if function is not None:
            return cls(function.group(3), text, function.group(1))
        name = text if re.fullmatch(r"[\w-]{1,140}", text) else fallback_name
        return cls(name, f"arn:aws:lambda:{DEFAULT_REGION}:{DEFAULT_ACCOUNT_ID}:function:{name}", DEFAULT_REGION)

    def invoke_url(self) -> str:
        """The endpoint request URI the execution log shows for a Lambda call (spec §11)."""
        return f"https://lambda.{self.region}.amazonaws.com/2015-03-31/functions/{self.arn}/invocations"

    def request_headers(self, *, account_id: str, api_id: str, route: str, trace_id: str) -> MultiValues:
        """The headers the log shows API Gateway sending to Lambda (signing headers left out);
        ``route`` is ``stage/METHOD/resource``."""
        return {
            "x-amzn-apigateway-api-id": [api_id],
            "Accept": ["application/json"],
            "User-Agent": [f"AmazonAPIGateway_{api_id}"],
            "Host": [f"lambda.{self.region}.amazonaws.com"],
            "X-Amz-Source-Arn": [f"arn:aws:execute-api:{self.region}:{account_id}:{api_id}/{route}"],
            "X-Amzn-Trace-Id": [trace_id],
            "Content-Type": ["application/json"],
        }


@dataclass(frozen=True)
class HandlerSpec:
    """``path/to/file.py:function`` or ``module:function``."""

    text: str
    function: str
    #: The handler file, or ``None`` for a module on the path.
    file: Path | None
    #: The folder the function runs in (Lambda's task root): the file's folder, or ``base``.
    task_root: Path

    @classmethod
    def parse(cls, text: str, base: Path) -> HandlerSpec:
        """Read ``text``; a file is found relative to ``base``."""
        location, separator, function = text.rpartition(":")
        if not separator or not location or not function.isidentifier():
            raise UsageError(f"invalid handler {text!r}: expected path/to/file.py:function or module:function")
        if location.endswith(".py"):
            file = (base / location).resolve()
            if not file.is_file():
                raise InputError(f"{base / location}: no such handler file")
            return cls(text, function, file, file.parent)
        if not all(part.isidentifier() for part in location.split(".")):
            raise UsageError(f"invalid handler {text!r}: {location!r} is neither a .py file nor a module name")
        return cls(text, function, None, base.resolve())

    @property
    def shown(self) -> str:
        """``file.py:function`` with the file relative to the working folder when below it."""
        if self.file is None:
            return self.text
        try:
            return f"{self.file.relative_to(Path.cwd().resolve())}:{self.function}"
        except ValueError:
            return f"{self.file}:{self.function}"

    @property
    def module_name(self) -> str:
        return self.file.stem if self.file is not None else self.text.rpartition(":")[0]


class LocalHandler:
    """A Python handler run by the current interpreter in a fresh process, with a Lambda-like
    context and environment. The function's own timeout (``timeout_s``) gives Lambda's
    ``Task timed out`` error; the integration's timeout API Gateway's 504."""

    def __init__(
        self,
        spec: HandlerSpec,
        identity: FunctionIdentity,
        *,
        timeout_s: float = DEFAULT_FUNCTION_TIMEOUT_S,
        memory_mb: int = DEFAULT_MEMORY_MB,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.spec = spec
        self.identity = identity
        self.name = identity.name
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        #: The function's own variables (a template's ``Environment.Variables``).
        self.environment = dict(environment or {})

    def invoke(self, payload: str, *, request_id: str, timeout_s: float) -> LambdaReply:
        log_stream = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[$LATEST]{request_id.replace('-', '')}"
        job = {
            "handler": f"{self.spec.file}:{self.spec.function}" if self.spec.file else self.spec.text,
            "taskRoot": str(self.spec.task_root),
            "timeoutMs": int(self.timeout_s * 1000),
            "payload": payload,
            "context": {
                "awsRequestId": request_id,
                "functionName": self.name,
                "functionVersion": "$LATEST",
                "invokedFunctionArn": self.identity.arn,
                "memoryLimitInMb": str(self.memory_mb),
                "logGroupName": f"/aws/lambda/{self.name}",
                "logStreamName": log_stream,
            },
        }
        started = time.monotonic()
        run = _Run(self._command(), self._environment(log_stream), self.spec.task_root, json.dumps(job).encode())
        try:
            finished = self._wait(run, started + timeout_s)
        finally:
            run.stop()  # on Ctrl-C too: the function must not outlive apigw
        if finished:
            return self._reply(run.outcome(), run.returncode, request_id, run.log())
        if finished is None:
            raise ExecutionFailed(
                INTEGRATION_TIMEOUT,
                "Execution failed due to a timeout error",
                f"{self.spec.text}: no answer within {timeout_s * 1000:.0f} ms (the integration's timeoutInMillis)",
            )
        message = f"RequestId: {request_id} Error: Task timed out after {self.timeout_s:.2f} seconds"
        return _failed({"errorType": "Sandbox.Timedout", "errorMessage": message}, run.log(), self.spec.text)

    def _wait(self, run: _Run, integration_deadline: float) -> bool | None:
        """Wait for the function: ``True`` when it finished, ``False`` when it ran past its
        own timeout, ``None`` when the integration's timeout came first."""
        started = time.monotonic()
        while True:
            # The function's own timeout runs from when its code is loaded (the bootstrap says
            # so); before that, Lambda's init phase has its own limit.
            ready_at = run.ready_at()
            function_deadline = ready_at + self.timeout_s + _GRACE_S if ready_at else started + INIT_LIMIT_S
            deadline = min(function_deadline, integration_deadline)
            if run.wait(min(deadline, time.monotonic() + _POLL_S)):
                return True
            if time.monotonic() >= deadline:
                return None if deadline == integration_deadline else False

    def _command(self) -> list[str]:
        return [sys.executable, str(BOOTSTRAP)]

    def _environment(self, log_stream: str) -> dict[str, str]:
        """The caller's environment, the function's variables, then what Lambda sets (its
        reserved names win, as Lambda refuses them in a function's configuration)."""
        region = self.identity.region
        return {
            **os.environ,
            **self.environment,
            "AWS_LAMBDA_FUNCTION_NAME": self.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}",
            "LAMBDA_TASK_ROOT": str(self.spec.task_root),
            "_HANDLER": f"{self.spec.module_name}.{self.spec.function}",
            "TZ": ":UTC",
            "PYTHONUNBUFFERED": "1",
            # Leave the user's folders as they were: no __pycache__ next to their handlers.
            "PYTHONDONTWRITEBYTECODE": "1",
        }

    def _reply(self, outcome: bytes | None, returncode: int | None, request_id: str, log: str) -> LambdaReply:
        if outcome is None:  # more than the outcome reader keeps: far over Lambda's limit
            return _failed(_too_large(), log, self.spec.text)
        if not outcome:
            error = {
                "errorType": "Runtime.ExitError",
                "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: {_exit_status(returncode)}",
            }
            return _failed(error, log, self.spec.text)
        result = _outcome_document(outcome)
        if result is None:
            error = {"errorType": "Runtime.InvalidResponse", "errorMessage": "the function's runtime answered garbage"}
            return _failed(error, log, self.spec.text)
        if "error" in result:
            return _failed(result["error"], log, _relative(str(result.get("where") or self.spec.text)))
        if "payloadBase64" in result:
            payload = base64.b64decode(result["payloadBase64"])
        else:  # a lone surrogate (Python allows it in text) goes out as "?", as Java writes it
            payload = result["payload"].encode("utf-8", errors="replace")
        if len(payload) > MAX_PAYLOAD_BYTES:
            return _failed(_too_large(), log, self.spec.text)
        return LambdaReply(payload, None, log)


#: How Lambda words the signals that commonly end a runtime (Go's names).
_SIGNAL_NAMES = {signal.SIGKILL: "killed", signal.SIGSEGV: "segmentation fault", signal.SIGABRT: "aborted",
                 signal.SIGTERM: "terminated", signal.SIGBUS: "bus error"}  # fmt: skip


def _too_large() -> dict[str, str]:
    return {
        "errorType": "Function.ResponseSizeTooLarge",
        "errorMessage": f"Response payload size exceeded maximum allowed payload size ({MAX_PAYLOAD_BYTES} bytes).",
    }


def _outcome_document(outcome: bytes) -> dict[str, Any] | None:
    """The bootstrap's outcome, or ``None`` when it is not one (a handler can write to the
    pipe too)."""
    try:
        result = json.loads(outcome)
    except (ValueError, RecursionError):
        return None
    if not isinstance(result, dict):
        return None
    if isinstance(result.get("error"), dict) or isinstance(result.get("payload"), str):
        return result
    if isinstance(result.get("payloadBase64"), str):
        try:
            base64.b64decode(result["payloadBase64"], validate=True)
        except ValueError:
            return None
        return result
    return None


def _exit_status(returncode: int | None) -> str:
    """``exit status 3``, ``signal: killed``: as Lambda's ``Runtime exited with error:`` says it."""
    if returncode is not None and returncode < 0:
        try:
            number = signal.Signals(-returncode)
        except ValueError:  # a real-time signal has no name
            return f"signal: {-returncode}"
        return f"signal: {_SIGNAL_NAMES.get(number, number.name)}"
    return f"exit status {returncode}"


def _relative(where: str) -> str:
    """``/home/me/app/handler.py:12`` as ``handler.py:12`` when run from ``/home/me/app``."""
    try:
        return str(Path(where).relative_to(Path.cwd()))
    except ValueError:
        return where


def _failed(error: dict[str, Any], log: str, where: str) -> LambdaReply:
    return LambdaReply(json.dumps(error, ensure_ascii=False).encode(), "Unhandled", log, where)


class _Run:
    """One bootstrap process: the job goes in on one pipe, the outcome comes back on
    another, and stdout+stderr (the function's log) on a third; every reader is capped so
    a handler that prints without end cannot exhaust memory."""

    def __init__(self, command: list[str], environment: dict[str, str], cwd: Path, job: bytes) -> None:
        job_read, job_write = os.pipe()
        outcome_read, outcome_write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [*command, str(job_read), str(outcome_write)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(job_read, outcome_write),
                cwd=cwd,
                env=environment,
                # Its own process group: what it starts is stopped with it (unless it leaves the
                # group with setsid; Lambda would freeze that too, apigw cannot).
                start_new_session=True,
            )
        except OSError as exc:
            for descriptor in (job_read, job_write, outcome_read, outcome_write):
                os.close(descriptor)
            raise ExecutionFailed(
                API_CONFIGURATION_ERROR, "Execution failed due to configuration error", f"cannot start Python: {exc}"
            ) from None
        os.close(job_read)
        os.close(outcome_write)
        assert self.process.stdout is not None
        self._log = _CappedReader(self.process.stdout, MAX_LOG_BYTES)
        self._outcome = _CappedReader(os.fdopen(outcome_read, "rb"), 2 * MAX_PAYLOAD_BYTES)
        self._writer = threading.Thread(target=_write_all, args=(job_write, job), daemon=True)
        self._writer.start()
        self.returncode: int | None = None

    def wait(self, until: float) -> bool:
        """Wait for the process to end, until ``until`` at most; whether it ended."""
        try:
            self.returncode = self.process.wait(timeout=max(until - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> None:
        """Stop the process and anything it left running (as Lambda freezes the sandbox),
        then collect what it wrote."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for reader in (self._log, self._outcome):
            reader.join()

    def ready_at(self) -> float | None:
        """When the handler was loaded (the bootstrap's first byte), if it was."""
        return self._outcome.first_data_at

    def log(self) -> str:
        return self._log.text()

    def outcome(self) -> bytes | None:
        """The outcome document, without the readiness byte before it; ``None`` when it was
        longer than the reader keeps."""
        if self._outcome.truncated:
            return None
        return self._outcome.data().removeprefix(READY)


def _write_all(descriptor: int, data: bytes) -> None:
    try:
        with os.fdopen(descriptor, "wb") as sink:
            sink.write(data)
    except BrokenPipeError:
        pass  # the process died before reading its job; its exit status tells


class _CappedReader:
    """Reads a stream to its end in a thread, keeping at most ``limit`` bytes."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.chunks: list[bytes] = []
        self.size = 0
        self.truncated = False
        #: When the first bytes arrived (``time.monotonic()``).
        self.first_data_at: float | None = None
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with self.stream:
            while chunk := os.read(self.stream.fileno(), 64 * 1024):
                if self.first_data_at is None:
                    self.first_data_at = time.monotonic()
                if self.size < self.limit:
                    self.chunks.append(chunk[: self.limit - self.size])
                self.truncated = self.truncated or self.size + len(chunk) > self.limit
                self.size += len(chunk)

    def join(self) -> None:
        self.thread.join(timeout=1.0)

    def data(self) -> bytes:
        return b"".join(self.chunks)

    def text(self) -> str:
        text = self.data().decode("utf-8", errors="replace")
        return text + f"\n[log cut at {self.limit} bytes]" if self.truncated else text


class InvokeApiFunction:
    """A function behind the Lambda Invoke API at ``endpoint`` (``sam local start-lambda``
    serves it on http://127.0.0.1:3001)."""

    def __init__(self, endpoint: str, identity: FunctionIdentity) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.identity = identity
        self.name = identity.name

    def invoke(self, payload: str, *, request_id: str, timeout_s: float) -> LambdaReply:
        url = f"{self.endpoint}/2015-03-31/functions/{urllib.parse.quote(self.name, safe='')}/invocations"
        request = EndpointRequest(
            "POST",
            url,
            {
                "Content-Type": ["application/json"],
                "X-Amz-Invocation-Type": ["RequestResponse"],
                "X-Amz-Log-Type": ["Tail"],
            },
            payload,
        )
        from apigw_cli.integrations.http_client import send  # the network stack, only when it is used

        answer = send(request, timeout_s=timeout_s)
        if answer.status != 200:
            raise ExecutionFailed(
                API_CONFIGURATION_ERROR,
                f"Execution failed due to configuration error: Lambda Invoke answered {answer.status}",
                f"{url}: the Lambda Invoke API answered {answer.status}: {answer.body_text()[:200]}",
            )
        raw = base64.b64decode(answer.body) if answer.is_base64_encoded else answer.body.encode()
        failed = answer.header("X-Amz-Function-Error")
        return LambdaReply(raw, failed, _tail_log(answer.header("X-Amz-Log-Result")), url if failed else None)


def _tail_log(encoded: str | None) -> str:
    """The last 4 KB of the function's log that ``X-Amz-Log-Type: Tail`` returns, base64."""
    if not encoded:
        return ""
    try:
        return base64.b64decode(encoded).decode("utf-8", errors="replace")
    except ValueError:
        return ""
