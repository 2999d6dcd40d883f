"""Cached factories of the fleet domain's ports, imported on first use."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.config import get_settings
from chalicelib.fleet.ports import FleetStore, UnitAvailableSink

if TYPE_CHECKING:
    from chalicelib.core.settings import Settings

_sink: UnitAvailableSink | None = None


@lru_cache(maxsize=1)
def get_fleet_store() -> FleetStore:
    from chalicelib.fleet.store import DynamoFleetStore

    return DynamoFleetStore()


def get_fleet_settings() -> Settings:
    return get_settings()


def use_available_sink(sink: UnitAvailableSink | None) -> None:
    """Install a sink (a test fake); None restores the default: dispatch, then MQTT."""
    global _sink
    _sink = sink


def get_available_sink() -> UnitAvailableSink:
    if _sink is not None:
        return _sink
    from chalicelib.dispatch.sink import AssignOnAvailable
    from chalicelib.fleet.sinks import MqttAvailableSink

    # Dispatch first hands the unit to a waiting incident; the MQTT announcement follows.
    return AssignOnAvailable(MqttAvailableSink())


def reset() -> None:
    """Tests only: forget cached ports and settings."""
    get_fleet_store.cache_clear()
    use_available_sink(None)
