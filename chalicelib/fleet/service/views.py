"""The dispatcher's fleet view and the crew's assignment (read-only use cases)."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core.auth import Principal
from chalicelib.core.counties import counties_for
from chalicelib.core.errors import NotFound
from chalicelib.fleet.entities import Station, UnitState, UnitStatus
from chalicelib.fleet.ports import FleetStore
from chalicelib.fleet.schemas import AssignmentView, Position, UnitList, UnitView
from chalicelib.fleet.service.commands import load_unit


def position(state: UnitState, station: Station | None, now: datetime, max_age_s: int) -> Position:
    """The reported fix, or the home station when the fix is older than `max_age_s`."""
    u = state.unit
    stale = now - u.position_at > timedelta(seconds=max_age_s)
    if stale and station is not None:
        return Position(lat=station.lat, lon=station.lon, at=u.position_at, stale=True, source="station")
    return Position(lat=u.lat, lon=u.lon, at=u.position_at, stale=stale, source="reported")


def unit_view(state: UnitState, station: Station | None, now: datetime, max_age_s: int) -> UnitView:
    u = state.unit
    return UnitView(
        unit_id=u.unit_id,
        plate=u.plate,
        type=u.type,
        station_id=u.station_id,
        county=u.county,
        status=u.status,
        status_at=state.status_at,
        position=position(state, station, now, max_age_s),
        crew=list(u.crew),
        incident_id=state.incident_id,
        assigned_at=state.assigned_at,
        version=state.version,
    )


def one_unit(store: FleetStore, who: Principal, unit_id: str, now: datetime, max_age_s: int) -> UnitView:
    state = load_unit(store, who, unit_id)
    return unit_view(state, store.station(state.unit.station_id), now, max_age_s)


def list_units(
    store: FleetStore, who: Principal, county: str | None, status: UnitStatus | None, now: datetime, max_age_s: int
) -> UnitList:
    """One Query per county: the asked one, else every county `who` is scoped to."""
    states = [s for c in counties_for(who, county) for s in store.in_county(c, status)]
    stations = store.stations() if states else {}
    units = [unit_view(s, stations.get(s.unit.station_id), now, max_age_s) for s in states]
    return UnitList(units=units, count=len(units))


def assignment(store: FleetStore, who: Principal, unit_id: str) -> AssignmentView:
    state = load_unit(store, who, unit_id)
    if state.incident_id is None:
        raise NotFound("this unit has no current assignment", code="no_assignment")
    return AssignmentView(
        unit_id=unit_id,
        status=state.unit.status,
        incident_id=state.incident_id,
        assigned_at=state.assigned_at,
        destination_id=state.destination_id,
        destination_name=state.destination_name,
    )
