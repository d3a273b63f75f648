"""Run one Python Lambda handler invocation, as the Lambda Python runtime does.

Not imported by apigw: ``apigw_cli.integrations.lambda_`` runs this file with the current
interpreter in a fresh process, so a handler cannot reach or break apigw itself. Standard
library only.

Protocol: ``argv[1]`` is a file descriptor to read the job from (JSON: ``handler``,
``taskRoot``, ``timeoutMs``, ``context``, ``payload``), ``argv[2]`` one to write the outcome
to (``R`` once the handler is loaded, then JSON: ``payload`` or ``payloadBase64``, or
``error`` with ``where``). The handler's own
stdout and stderr are its log, as on Lambda.
"""

from __future__ import annotations

import base64
import decimal
import importlib
import importlib.util
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any


class FunctionTimedOut(BaseException):
    """Raised in the handler at the function timeout; a BaseException so that a handler's
    ``except Exception`` does not swallow it, as Lambda stops the function regardless."""


class LambdaContext:
    """The context object a Python handler receives (same attribute names as Lambda's)."""

    def __init__(self, fields: dict[str, Any], deadline: float) -> None:
        self.aws_request_id: str = fields["awsRequestId"]
        self.function_name: str = fields["functionName"]
        self.function_version: str = fields["functionVersion"]
        self.invoked_function_arn: str = fields["invokedFunctionArn"]
        self.memory_limit_in_mb: str = fields["memoryLimitInMb"]
        self.log_group_name: str = fields["logGroupName"]
        self.log_stream_name: str = fields["logStreamName"]
        self.identity = None
        self.client_context = None
        self.tenant_id = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(int((self._deadline - time.monotonic()) * 1000), 0)

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},client_context=None,identity=None])"
        )


class HandlerLoadError(Exception):
    def __init__(self, error_type: str, message: str, where: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.where = where
        self.trace = trace or []


def load_handler(spec: str, task_root: str) -> Any:
    """``path/to/file.py:function`` or ``module:function`` (Lambda's ``module.function`` with a colon)."""
    location, _, function = spec.rpartition(":")
    if location.endswith(".py"):
        path = Path(location)
        module_name = path.stem
        where = str(path)
    else:
        module_name, path, where = location, None, location
    sys.path.insert(0, task_root)
    try:
        if path is not None:
            module_spec = importlib.util.spec_from_file_location(module_name, path)
            if module_spec is None or module_spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[module_name] = module
            module_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(module_name)
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        raise HandlerLoadError(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {exc}",
            f"{exc.filename}:{exc.lineno}:{exc.offset}",
            trace,
        ) from None
    except ImportError as exc:
        raise HandlerLoadError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}", _where(exc, where)
        ) from None
    except Exception as exc:  # the module raised while it was imported: an init error
        raise HandlerLoadError(type(exc).__name__, str(exc), _where(exc, where), _user_frames(exc)) from None
    handler = getattr(module, function, None)
    if not callable(handler):
        raise HandlerLoadError(
            "Runtime.HandlerNotFound", f"Handler '{function}' missing on module '{module_name}'", where
        )
    return handler


#: Where Lambda puts a function's code; stack traces name files there, as on AWS.
LAMBDA_TASK_ROOT = "/var/task"


def _user_frames(exc: BaseException) -> list[str]:
    """The traceback without this file's own frames, as Lambda's ``stackTrace`` lists it:
    files under the task root are named as Lambda names them (``/var/task/app.py``)."""
    task_root = os.environ.get("LAMBDA_TASK_ROOT", "")
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename != __file__]
    for frame in frames:
        if task_root and frame.filename.startswith(task_root + os.sep):
            frame.filename = LAMBDA_TASK_ROOT + "/" + frame.filename[len(task_root) + 1 :].replace(os.sep, "/")
    return traceback.format_list(frames)


def _where(exc: BaseException, fallback: str) -> str:
    """``file:line`` of the innermost frame outside this file."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename != __file__]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else fallback


def marshal(result: Any) -> dict[str, str]:
    """The response payload as the Python runtime writes it: JSON with ``", "``/``": "``
    separators, non-ASCII kept (python3.12+ runtimes), NaN allowed, a ``Decimal`` written as
    its digits; ``bytes`` as they are."""
    if isinstance(result, bytes | bytearray):
        return {"payloadBase64": base64.b64encode(bytes(result)).decode("ascii")}
    decimals: list[str] = []

    def placeholder(value: Any) -> Any:
        if isinstance(value, decimal.Decimal):
            decimals.append("NaN" if value.is_nan() else str(value))
            return f"\x00decimal{len(decimals) - 1}\x00"
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    text = json.dumps(result, ensure_ascii=False, allow_nan=True, default=placeholder)
    for index, digits in enumerate(decimals):
        text = text.replace(f'"\\u0000decimal{index}\\u0000"', digits, 1)
    return {"payload": text}


def error_outcome(error_type: str, message: str, request_id: str, trace: list[str], where: str) -> dict[str, Any]:
    error = {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": trace}
    return {"error": error, "where": where}


def run(job: dict[str, Any], ready: Any) -> dict[str, Any]:
    """Load the handler, call ``ready()`` (the function's timeout starts), invoke it."""
    request_id = job["context"]["awsRequestId"]
    try:
        handler = load_handler(job["handler"], job["taskRoot"])
    except HandlerLoadError as exc:
        return error_outcome(exc.error_type, exc.message, request_id, exc.trace, exc.where)
    ready()
    timeout_s = job["timeoutMs"] / 1000
    deadline = time.monotonic() + timeout_s
    context = LambdaContext(job["context"], deadline)
    try:
        event = json.loads(job["payload"])
    except (ValueError, RecursionError) as exc:  # e.g. an integer longer than Python reads
        return error_outcome(
            "Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}", request_id, [], job["handler"]
        )

    def stop(signum: int, frame: Any) -> None:
        raise FunctionTimedOut

    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        result = handler(event, context)
    except FunctionTimedOut:
        message = f"RequestId: {request_id} Error: Task timed out after {timeout_s:.2f} seconds"
        return {"error": {"errorType": "Sandbox.Timedout", "errorMessage": message}, "where": job["handler"]}
    except Exception as exc:
        return error_outcome(type(exc).__name__, str(exc), request_id, _user_frames(exc), _where(exc, job["handler"]))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        return marshal(result)
    except (TypeError, ValueError, RecursionError) as exc:
        return error_outcome(
            "Runtime.MarshalError", f"Unable to marshal response: {exc}", request_id, [], job["handler"]
        )


#: Written once the handler is loaded: Lambda's init phase is over, the timeout starts.
READY = b"R"


def main() -> None:
    with os.fdopen(int(sys.argv[1]), "rb") as source:
        job = json.loads(source.read())
    with os.fdopen(int(sys.argv[2]), "wb", buffering=0) as sink:
        outcome = run(job, lambda: sink.write(READY))
        sink.write(json.dumps(outcome).encode("utf-8"))
    # The answer is out: end now, as Lambda freezes the sandbox once the handler returns,
    # without waiting for threads or exit hooks the handler left behind.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
