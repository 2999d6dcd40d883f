"""Common wrapper of every non-HTTP Lambda entry point: correlation id, logging
context and metrics flush, with the domain function kept free of Lambda details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Rate
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


def lambda_function(bp: Blueprint, *, name: str) -> Callable[[Callable[[dict[str, Any]], Any]], Any]:
    """Declare a domain function as the Lambda function `name` in its domain's blueprint.

    Assign the result to a module-level name equal to the function's: chalice's handler string is
    `<module>.<name>`, so a function's container imports its own domain's routes, not the whole
    app. The domain function stays reachable as `<handler>.domain_function` for tests.
    """

    def declare(fn: Callable[[dict[str, Any]], Any]) -> Any:
        def entry(event: dict[str, Any], context: Any) -> Any:
            return lambda_entry(fn, event, context)

        _name_as(entry, fn)
        wrapped = bp.lambda_function(name=name)(entry)
        wrapped.domain_function = fn
        return wrapped

    return declare


def schedule(bp: Blueprint, rate: Rate, *, name: str) -> Callable[[Callable[[dict[str, Any]], Any]], Any]:
    """Like `lambda_function`, run by an EventBridge schedule (chalice writes the rule)."""

    def declare(fn: Callable[[dict[str, Any]], Any]) -> Any:
        def entry(event: Any) -> Any:  # a chalice CloudWatchEvent, carrying its Lambda context
            return lambda_entry(fn, event.to_dict(), event.context)

        _name_as(entry, fn)
        wrapped = bp.schedule(rate, name=name)(entry)
        wrapped.domain_function = fn
        return wrapped

    return declare


def _name_as(entry: Any, fn: Callable[..., Any]) -> None:
    entry.__name__ = fn.__name__
    entry.__qualname__ = fn.__qualname__
    entry.__doc__ = fn.__doc__
