"""Logger, Tracer and Metrics, each created once on first use (never at import).

Log lines are JSON with the correlation id; phone and ID-card numbers are masked
in the serialised record, whatever field or message they hide in.
"""

from __future__ import annotations

import re
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


def bind_correlation_id(correlation_id: str) -> None:
    logger().set_correlation_id(correlation_id)


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

    metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)


def metric_seconds(name: str, value: float) -> None:
    """One EMF duration metric (seconds): CloudWatch gives its percentiles on the dashboard."""
    from aws_lambda_powertools.metrics import MetricUnit

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
    if metrics().metric_set:
        metrics().flush_metrics()
