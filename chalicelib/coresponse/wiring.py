"""The co-response ports, built on first use (nothing at import: cold start)."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.coresponse.ports import CoResponsePorts, PositionStore


@provider
def get_positions() -> PositionStore:
    from chalicelib.coresponse.adapters import DynamoPositionStore

    return DynamoPositionStore()


@provider
def get_ports() -> CoResponsePorts:
    from chalicelib.coresponse.adapters import DynamoIncidentFacts, MqttDesk
    from chalicelib.fleet.api import fleet_store
    from chalicelib.platform.api import audit_store

    return CoResponsePorts(
        incidents=DynamoIncidentFacts(),
        positions=get_positions(),
        desk=MqttDesk(),
        fleet=fleet_store(),
        audit=audit_store(),
    )
