"""Logger, Tracer and Metrics, each created once on first use (never at import).

Log lines are JSON with the correlation id; phone and ID-card numbers are masked
in the serialised record, whatever field or message they hide in.

The keys of one invocation (its correlation id, an incident id) live in the thread's own context
and are cleared when the next invocation begins: the local stack serves API requests on many
threads and runs every Lambda function in one process, and a key appended for one invocation
must never appear on another's lines. Metrics are one shared set, so adding and flushing hold a lock.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "ems"
NAMESPACE = "EMS"

# Mainland mobile numbers (optionally +86) and 18-digit resident ID numbers.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
# Mobiles, with or without +86 and the usual space/dash groupings; landlines with area code.
_PHONE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?\d{3,4}(\d{4})(?!\d)")
_METRICS_LOCK = threading.RLock()


def mask_pii(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)[-1]}", text)
    text = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(2)}", text)


def mask_phone(phone: str) -> str:
    """By position, whatever the format: only the last four digits stay readable."""
    digits = re.sub(r"\D", "", phone)
    return "*" * max(0, len(digits) - 4) + digits[-4:]


@lru_cache(maxsize=1)
def logger() -> Logger:
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    class MaskingFormatter(LambdaPowertoolsFormatter):
        def serialize(self, log: Any) -> str:
            return mask_pii(super().serialize(log))

    return Logger(service=SERVICE, logger_formatter=MaskingFormatter(), use_rfc3339=True)


@lru_cache(maxsize=1)
def tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


@lru_cache(maxsize=1)
def metrics() -> Metrics:
    from aws_lambda_powertools import Metrics

    return Metrics(namespace=NAMESPACE, service=SERVICE)


def bind_correlation_id(correlation_id: str, **keys: str) -> None:
    """Begin an invocation: forget every key of the previous one on this thread, then set its own."""
    log = logger()
    log.thread_safe_clear_keys()
    log.thread_safe_append_keys(correlation_id=correlation_id, **keys)


def append_keys(**keys: object) -> None:
    """Keys on every further line of this invocation only (an incident id, say)."""
    logger().thread_safe_append_keys(**keys)


def current_keys() -> dict[str, object]:
    """The keys on this thread's next line: the logger's own and this invocation's."""
    log = logger()
    return {**log.get_current_keys(), **log.thread_safe_get_current_keys()}


def end_invocation() -> None:
    """The invocation is over: its keys go, so lines logged between invocations carry none."""
    logger().thread_safe_clear_keys()


@contextmanager
def traced(name: str, correlation_id: str) -> Iterator[None]:
    """A subsegment of our own carrying the correlation id. Lambda's own (facade) segment is
    read-only: annotating it raises on every sampled invocation."""
    with tracer().provider.in_subsegment(name) as subsegment:
        if subsegment is not None:
            subsegment.put_annotation("correlation_id", correlation_id)
        yield


def count(name: str, value: int = 1) -> None:
    """One EMF count metric in the project's namespace (flushed at the end of the invocation)."""
    from aws_lambda_powertools.metrics import MetricUnit

    with _METRICS_LOCK:
        metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)


def metric_seconds(name: str, value: float) -> None:
    """One EMF duration metric (seconds): CloudWatch gives its percentiles on the dashboard."""
    from aws_lambda_powertools.metrics import MetricUnit

    with _METRICS_LOCK:
        metrics().add_metric(name=name, unit=MetricUnit.Seconds, value=value)


def gauge(name: str, value: float, **dimensions: str) -> None:
    """One EMF metric with dimensions of its own (a county, say), written at once."""
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE) as metric:
        metric.add_dimension(name="service", value=SERVICE)
        for key, val in dimensions.items():
            metric.add_dimension(name=key, value=val)


def flush_metrics() -> None:
    # Flushing nothing only produces a warning; most invocations add no metric.
    with _METRICS_LOCK:
        if metrics().metric_set:
            metrics().flush_metrics()
