"""Cached factories of the platform's ports. The implementations (pynamodb, boto3) are
imported on first use, not when the app is imported: that is most of a cold start."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.platform.ports import PlatformStore, ServiceProbe


@lru_cache(maxsize=1)
def get_store() -> PlatformStore:
    from chalicelib.platform.dal import DynamoPlatformStore

    return DynamoPlatformStore()


@lru_cache(maxsize=1)
def get_probe() -> ServiceProbe:
    from chalicelib.platform.adapters import BotoServiceProbe

    return BotoServiceProbe()
