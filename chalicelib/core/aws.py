"""Lazy, cached boto3 clients. Nothing is created at import time (cold start, moto)."""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.core.config import get_settings
from chalicelib.core.root import provider

# boto3's default session is not thread-safe while it makes a client; the clients themselves are.
# One Lambda serves one request at a time, the devstack's API many at once.
_CREATING = threading.Lock()


def client(service: str) -> Any:
    with _CREATING:
        return _client(service)


@provider
def _client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    s = get_settings()
    return boto3.client(
        service,  # type: ignore[call-overload]
        region_name=s.region,
        endpoint_url=s.aws_endpoint_url,
        config=Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5),
    )


def partition(region: str) -> str:
    """AWS partition of a region: China regions live in `aws-cn`."""
    return "aws-cn" if region.startswith("cn-") else "aws"
