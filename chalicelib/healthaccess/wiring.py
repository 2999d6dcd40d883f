"""The access rule's ports, built on first use (the composition root caches them)."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.healthaccess.ports import AccessPorts


@provider
def get_ports() -> AccessPorts:
    from chalicelib.fleet.api import fleet_store
    from chalicelib.healthaccess.adapters import BoardAlerts, DynamoGrantStore, DynamoIncidentDirectory
    from chalicelib.platform.api import audit_store as get_store

    return AccessPorts(
        fleet=fleet_store(),
        incidents=DynamoIncidentDirectory(),
        grants=DynamoGrantStore(),
        audit=get_store(),
        alerts=BoardAlerts(),
    )
