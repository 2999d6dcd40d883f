"""Common wrapper of every non-HTTP Lambda entry point: correlation id, logging
context and metrics flush, with the domain function kept free of Lambda details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from chalicelib.core.observability import bind_correlation_id, end_invocation, flush_metrics, logger, traced


class InvalidEvent(Exception):
    """A Lambda event that does not match its model; names fields, never values."""


def lambda_entry(fn: Callable[[dict[str, Any]], Any], event: dict[str, Any], context: Any) -> Any:
    request_id = getattr(context, "aws_request_id", None) or "local"
    correlation = event.get("correlation_id") if isinstance(event, dict) else None
    correlation_id = str(correlation or request_id)
    bind_correlation_id(correlation_id, function=fn.__name__)
    try:
        try:
            with traced(f"## {fn.__name__}", correlation_id):
                return fn(event)
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) or "event" for e in exc.errors()})
            raise InvalidEvent(f"invalid event fields: {', '.join(fields)}") from None
    except Exception:
        # The exception propagates (Step Functions' Catch, the DLQ) — log the type, never the payload.
        logger().exception("handler failed")
        raise
    finally:
        flush_metrics()
        # A container serves one function in AWS, but the local stack serves them all in one process:
        # no key may leak onto the next invocation's lines (an API request's, say).
        end_invocation()
