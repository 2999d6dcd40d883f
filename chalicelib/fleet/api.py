"""What other domains may ask of the fleet: a unit's state, its recorded times, the position a
device reports, the free units near a place, and the fleet's parts of a transaction another domain
runs (dispatch's claim and cancel). Never a record; the PynamoDB side loads on first call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.fleet.entities import (
    FreeUnit,
    TimeNode,
    TimeStamp,
    UnitAvailable,
    UnitBrief,
    UnitState,
    UnitStatus,
    UnitType,
)
from chalicelib.fleet.ports import FleetStore, IncidentStep, UnitAvailableSink

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

__all__ = [
    "FleetStore",
    "FreeUnit",
    "IncidentStep",
    "TimeNode",
    "TimeStamp",
    "UnitAvailable",
    "UnitAvailableSink",
    "UnitBrief",
    "UnitState",
    "UnitStatus",
    "UnitType",
]


# Reads


def fleet_store() -> FleetStore:
    """The fleet's store port, for a use case composed over ports (it reads units through it)."""
    from chalicelib.fleet.wiring import get_fleet_store

    return get_fleet_store()


def status_writer(incident_step: IncidentStep) -> FleetStore:
    """The fleet's store for status changes of units on a job: the incident follows its unit in the
    same transaction through `incident_step` (the incidents' `add_unit_step`, handed in by the caller)."""
    from chalicelib.fleet.wiring import get_status_writer

    return get_status_writer(incident_step)


def unit(unit_id: str, *, consistent: bool = False) -> UnitState | None:
    return fleet_store().get(unit_id, consistent=consistent)


def times_of(incident_id: str) -> list[TimeStamp]:
    """Every eTimes node of an incident's units, in eTimes order (one Query)."""
    return fleet_store().times_of(incident_id)


def node_recorded(incident_id: str, node: str) -> bool:
    """Whether any unit of the incident has the eTimes node `node` ("eTimes.06")."""
    from chalicelib.fleet.adapters.store import node_recorded as recorded

    return recorded(incident_id, node)


def briefs(unit_ids: Sequence[str]) -> dict[str, UnitBrief]:
    """The units that exist among `unit_ids` (one batched read of a few attributes)."""
    from chalicelib.fleet.adapters.devices import briefs as read

    return read(unit_ids)


def free_in_tile(
    coarse: str, lo: str | None, hi: str | None, types: Iterable[UnitType], county: str | None
) -> tuple[list[FreeUnit], int]:
    """Free units in one search tile and the items read (dispatch's candidate search)."""
    from chalicelib.fleet.adapters.free_units import in_tile

    return in_tile(coarse, lo, hi, types, county)


def free_in_county(county: str, types: Iterable[UnitType]) -> tuple[list[FreeUnit], int]:
    from chalicelib.fleet.adapters.free_units import in_county

    return in_county(county, types)


def station_points() -> dict[str, tuple[float, float]]:
    """Every station's (lat, lon), read once per container."""
    from chalicelib.fleet.wiring import station_points as points

    return points()


# Writes


def store_fix(unit_id: str, status: UnitStatus, lat: float, lon: float, at: datetime) -> bool:
    """Store a device's newer fix for the unit last read in `status` (again for a newer status if it
    changed meanwhile); False when the stored fix is as new or newer."""
    from chalicelib.fleet.adapters.positions import store_fix as store

    return store(unit_id, status, lat, lon, at)


def record_device_report(unit_id: str, report: dict[str, Any], at: datetime) -> None:
    """Keep the onboard device's newest health report (battery, signal, monitor link)."""
    from chalicelib.fleet.adapters.devices import record_device_report as record

    record(unit_id, report, at)


def available_sink(hand_off: Callable[[UnitAvailable], None]) -> UnitAvailableSink:
    """Where a unit that came free goes: `hand_off` first (dispatch's), then the announcement."""
    from chalicelib.fleet.wiring import get_available_sink

    return get_available_sink(hand_off)


def announce(sink: UnitAvailableSink, after: UnitState, previous_incident: str | None, now: datetime) -> None:
    """Tell `sink` the unit is free (a lost event is counted, never raised)."""
    from chalicelib.fleet.service.announce import announce as tell

    tell(sink, after, previous_incident, now)


# Parts of another domain's transaction


def add_claim(tx: TransactWrite, unit_id: str, incident_id: str, now: datetime) -> None:
    """The unit AVAILABLE -> ASSIGNED to the incident, conditional on its still being free."""
    from chalicelib.fleet.adapters import transactions

    transactions.add_claim(tx, unit_id, incident_id, now)


def add_release(tx: TransactWrite, unit_id: str, incident_id: str, now: datetime) -> None:
    """The unit stood down from the incident (free again), conditional on its not being on scene."""
    from chalicelib.fleet.adapters import transactions

    transactions.add_release(tx, unit_id, incident_id, now)


def add_time_node(tx: TransactWrite, incident_id: str, unit_id: str, node: TimeNode, now: datetime, by: str) -> None:
    from chalicelib.fleet.adapters import transactions

    transactions.add_time_node(tx, incident_id, unit_id, node, now, by)
