"""The device-files domain's ports, built on first use (never at import: cold start, moto)."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.devicefiles.ports import Ports


@provider
def get_ports() -> Ports:
    from chalicelib.devicefiles.adapters import DynamoFileStore, S3ObjectStore
    from chalicelib.healthaccess.api import ports as access_ports

    return Ports(files=DynamoFileStore(), objects=S3ObjectStore(), access=access_ports())
