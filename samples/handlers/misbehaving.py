"""Lambda handlers that go wrong in each way a real one can, to see what API Gateway (and
apigw) makes of it: try them with `apigw invoke --type aws_proxy --handler ...`."""

import os
import sys
import time


def crash(event, context):
    """An unhandled exception: AWS_PROXY answers 502."""
    return {"statusCode": 200, "body": str(1 / 0)}


def hang(event, context):
    """Runs past its timeout (Lambda's default is 3 seconds)."""
    while True:
        time.sleep(0.05)


def hang_ignoring_signals(event, context):
    """Stuck where a signal cannot stop it; Lambda stops the whole sandbox anyway."""
    import signal

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    while True:
        time.sleep(0.05)


def exit_early(event, context):
    """The process exits in the middle of the call."""
    sys.exit(3)


def die(event, context):
    """The process is killed by a signal (here, its own)."""
    os.kill(os.getpid(), 9)


def chatter(event, context):
    """Prints far more than anyone reads, then answers normally."""
    for _ in range(200_000):
        print("x" * 100)
    return {"statusCode": 200, "body": "done"}


def garbage(event, context):
    """Answers something that is not a proxy response."""
    return ["not", "a", "response"]


def not_serializable(event, context):
    """Answers something JSON cannot carry."""
    return {"statusCode": 200, "body": object()}


def remaining_time(event, context):
    """Reports the context object Lambda passes in."""
    return {
        "statusCode": 200,
        "body": f"{context.function_name} {context.aws_request_id} {context.memory_limit_in_mb} "
        f"{0 < context.get_remaining_time_in_millis() <= 3000}",
    }


def environment(event, context):
    """Reports the environment Lambda sets."""
    names = ("AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "LAMBDA_TASK_ROOT", "_HANDLER", "TZ")
    return {"statusCode": 200, "body": " ".join(f"{name}={os.environ.get(name)}" for name in names)}
