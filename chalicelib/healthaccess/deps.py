"""Cached factory of the access rule's ports, imported on first use."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.healthaccess.ports import AccessPorts


@lru_cache(maxsize=1)
def get_ports() -> AccessPorts:
    from chalicelib.fleet.deps import get_fleet_store
    from chalicelib.healthaccess.adapters import BoardAlerts
    from chalicelib.healthaccess.store import DynamoGrantStore, DynamoIncidentDirectory
    from chalicelib.platform.deps import get_store

    return AccessPorts(
        fleet=get_fleet_store(),
        incidents=DynamoIncidentDirectory(),
        grants=DynamoGrantStore(),
        audit=get_store(),
        alerts=BoardAlerts(),
    )


def reset() -> None:
    """Tests only: forget cached ports (and the settings they read)."""
    get_ports.cache_clear()
