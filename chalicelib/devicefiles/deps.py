"""Cached factories of the device-files domain's ports, imported on first use."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.devicefiles.ports import Ports


@lru_cache(maxsize=1)
def get_ports() -> Ports:
    from chalicelib.devicefiles.s3 import S3ObjectStore
    from chalicelib.devicefiles.store import DynamoFileStore
    from chalicelib.healthaccess.api import ports as access_ports

    return Ports(files=DynamoFileStore(), objects=S3ObjectStore(), access=access_ports())


def reset() -> None:
    """Tests only: forget cached ports (and the settings they read)."""
    get_ports.cache_clear()
