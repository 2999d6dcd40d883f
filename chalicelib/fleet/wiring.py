"""The fleet's ports, built on first use (never at import: cold start, moto)."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.core.root import provider
from chalicelib.fleet.entities import UnitAvailable
from chalicelib.fleet.ports import FleetStore, IncidentStep, UnitAvailableSink


@provider
def get_fleet_store() -> FleetStore:
    from chalicelib.fleet.adapters.store import DynamoFleetStore

    return DynamoFleetStore()


@provider
def get_status_writer(incident_step: IncidentStep) -> FleetStore:
    """The same store, its status writes carrying the incident's part (`incident_step`, the caller's)."""
    from chalicelib.fleet.adapters.store import DynamoFleetStore, FollowedByIncident

    store = get_fleet_store()
    assert isinstance(store, DynamoFleetStore)
    return FollowedByIncident(store, incident_step)


@provider
def station_points() -> dict[str, tuple[float, float]]:
    """About twenty stations, read once per container: stale positions fall back to them."""
    from chalicelib.fleet.adapters.free_units import station_points as read

    return read()


def get_available_sink(hand_off: Callable[[UnitAvailable], None]) -> UnitAvailableSink:
    """`hand_off` is the caller's: the route composes it (dispatch's), so the fleet imports no dispatch."""
    from chalicelib.fleet.adapters.sinks import HandOffThenAnnounce, MqttAvailableSink

    return HandOffThenAnnounce(hand_off, MqttAvailableSink())
