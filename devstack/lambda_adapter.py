"""Route moto's Lambda `invoke` to the Chalice app's `@app.lambda_function` handlers.

moto cannot run Python Lambdas without Docker; with `use_docker: false` every invoke
lands in `LambdaSimpleBackend.invoke`. This adapter replaces that method so Step
Functions (and any boto3 caller) reach the real handlers in this process, with the
same success/error contract as Lambda: an exception becomes `FunctionError: Unhandled`
and an `{errorType, errorMessage}` payload, which Step Functions' Catch matches on.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend

from chalicelib.core.observability import end_invocation
from devstack import aws_calls

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The parts of the Lambda context object handlers use."""

    function_name: str
    invoked_function_arn: str
    timeout_s: int = 30
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def chalice_handlers(chalice_app: Any) -> dict[str, Handler]:
    return {fn.name: fn for fn in chalice_app.pure_lambda_functions}


def short_name(function_name: str, prefix: str) -> str:
    """`arn:...:function:ems-dev-canary_probe[:qualifier]` or `ems-dev-canary_probe` -> `canary_probe`."""
    name = function_name.split(":function:", 1)[-1].split(":", 1)[0]
    return name.removeprefix(prefix)


class LambdaAdapter:
    def __init__(self, handlers: dict[str, Handler], *, prefix: str) -> None:
        self.handlers = handlers
        self.prefix = prefix
        self.invocations: list[tuple[str, bool]] = []
        self._original: Any = None

    def install(self) -> None:
        adapter = self
        self._original = LambdaSimpleBackend.invoke

        def invoke(
            backend: LambdaSimpleBackend,
            function_name: str,
            qualifier: str | None,
            body: Any,
            headers: Any,
            response_headers: Any,
        ) -> bytes:
            event = json.loads(body or b"{}")
            if (headers or {}).get("X-Amz-Invocation-Type") == "Event":
                threading.Thread(target=adapter.call, args=(function_name, event), daemon=True).start()
                return b""
            ok, payload = adapter.call(function_name, event)
            if not ok:
                response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(payload, default=str).encode()

        LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        if self._original is not None:
            LambdaSimpleBackend.invoke = self._original  # type: ignore[method-assign]
            self._original = None

    def call(self, function_name: str, event: Any) -> tuple[bool, Any]:
        """Run a handler; returns (succeeded, payload) in Lambda's response shape.

        Each call is a fresh invocation, as a new Lambda event is: the logger keys of whatever ran
        on this thread before (a poller's previous batch, another function) are cleared first and
        after, so none of them reaches this invocation's lines or the next one's."""
        try:
            end_invocation()
            return self._call(function_name, event)
        finally:
            end_invocation()

    def _call(self, function_name: str, event: Any) -> tuple[bool, Any]:
        name = short_name(function_name, self.prefix)
        handler = self.handlers.get(name)
        if handler is None:
            self.invocations.append((name, False))
            return False, {"errorType": "ResourceNotFoundException", "errorMessage": f"no handler {name}"}
        context = LambdaContext(function_name=f"{self.prefix}{name}", invoked_function_arn=function_name)
        try:
            with aws_calls.running(name):
                result = handler(event, context)
        except Exception as exc:
            self.invocations.append((name, False))
            return False, {
                "errorType": type(exc).__name__,
                "errorMessage": str(exc)[:1000],
                "stackTrace": traceback.format_tb(exc.__traceback__)[-3:],
            }
        self.invocations.append((name, True))
        return True, result
