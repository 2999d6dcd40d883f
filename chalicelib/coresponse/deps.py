"""The co-response ports, built on first use (nothing at import: cold start)."""

from __future__ import annotations

from chalicelib.coresponse.ports import CoResponsePorts


def get_ports() -> CoResponsePorts:
    # Not cached itself: it only assembles stateless adapters and the other domains' cached stores,
    # so a reset of those (tests, a new endpoint) is always seen.
    from chalicelib.coresponse.adapters import MqttDesk
    from chalicelib.coresponse.store import DynamoIncidentFacts, DynamoPositionStore
    from chalicelib.fleet.deps import get_fleet_store
    from chalicelib.platform.deps import get_store

    return CoResponsePorts(
        incidents=DynamoIncidentFacts(),
        positions=DynamoPositionStore(),
        desk=MqttDesk(),
        fleet=get_fleet_store(),
        audit=get_store(),
    )
