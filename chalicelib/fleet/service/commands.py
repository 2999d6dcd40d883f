"""Fleet use cases: a crew's status report, the fleet view and a unit's assignment.

Each takes its ports as arguments, so unit tests run them against in-memory fakes.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.fleet import logic
from chalicelib.fleet.entities import TimeStamp, UnitState, UnitStatus
from chalicelib.fleet.ports import FleetStore, UnitAvailableSink, VersionConflict
from chalicelib.fleet.schemas import (
    NodeView,
    PositionReport,
    PositionResult,
    StatusRequest,
    StatusResult,
    TimeCorrection,
    TimeNodeView,
)
from chalicelib.fleet.service.announce import announce

if TYPE_CHECKING:
    from chalicelib.core.settings import Settings

_ACTORS = {Role.CREW: logic.Actor.CREW, Role.DISPATCHER: logic.Actor.DISPATCHER, Role.ADMIN: logic.Actor.ADMIN}


def load_unit(store: FleetStore, who: Principal, unit_id: str) -> UnitState:
    """The unit, if `who` may see it: a crew only its own, a dispatcher only its counties."""
    if who.role is Role.CREW:
        # Before the read, so a crew cannot probe which unit ids exist.
        who.require_scope("unit", unit_id)
    state = store.get(unit_id)
    if state is None:
        raise NotFound("no such unit", code="unit_not_found")
    if who.role is not Role.CREW:
        who.require_scope("county", state.unit.county)
    return state


def change_status(
    *,
    store: FleetStore,
    sink: UnitAvailableSink,
    settings: Settings,
    who: Principal,
    unit_id: str,
    req: StatusRequest,
    now: datetime,
) -> StatusResult:
    at = req.at or now
    if at > now + timedelta(seconds=settings.max_clock_ahead_s):
        raise ValidationFailed("'at' is in the future; check the device clock", code="time_in_future")
    state = load_unit(store, who, unit_id)
    current = state.unit.status
    if req.event == "at_patient":
        step = logic.at_patient(current, req.status)
    else:
        assert req.status is not None  # the request model requires a status or an event
        step = logic.transition(current, req.status, _ACTORS[who.role])
    if req.destination_id is not None:
        step = _with_destination(store, step, req.destination_id)
    stamps = [
        TimeStamp(state.incident_id, unit_id, node, at, now, who.subject)
        for node in step.nodes
        if state.incident_id is not None
    ]
    if not step.changed:
        # An event without a move (at patient): no version bump, the first report's time stands.
        fresh = [st for st in stamps if store.record_first(st)]
        return _result(state, current, False, fresh)
    after = store.apply(state, step, stamps, now=now)
    if step.frees_unit:
        announce(sink, after, state.incident_id, now)
    if step.changed:
        _tell_workflow(state.incident_id, step.status)
    return _result(after, current, step.changed, stamps)


def _tell_workflow(incident_id: str | None, status: UnitStatus) -> None:
    from chalicelib.workflow.api import unit_status

    unit_status(incident_id, status.value)


def _with_destination(store: FleetStore, step: logic.Step, hospital_id: str) -> logic.Step:
    if step.status is not UnitStatus.TRANSPORTING:
        raise ValidationFailed("'destination_id' goes with the transporting status", code="destination_not_expected")
    name = store.hospital_name(hospital_id)
    if name is None:
        raise ValidationFailed("no such hospital", code="unknown_hospital")
    return dataclasses.replace(step, destination=(hospital_id, name))


def report_position(
    *, store: FleetStore, settings: Settings, who: Principal, unit_id: str, req: PositionReport, now: datetime
) -> PositionResult:
    """A crew app's fix. Positions only move forward in time: a late or repeated report is
    accepted as a no-op, so a phone replaying its queue after a dead spot does no harm."""
    if req.at > now + timedelta(seconds=settings.max_clock_ahead_s):
        raise ValidationFailed("'at' is in the future; check the device clock", code="time_in_future")
    for _ in range(3):  # a status change between the read and the write: read again
        state = load_unit(store, who, unit_id)
        if state.unit.position_at >= req.at:
            return PositionResult(unit_id=unit_id, accepted=False, position_at=state.unit.position_at)
        try:
            moved = store.move(state, req.lat, req.lon, req.at)
        except VersionConflict:
            continue
        return PositionResult(unit_id=unit_id, accepted=moved, position_at=req.at if moved else state.unit.position_at)
    raise VersionConflict("the unit is changing too fast; retry")


def amend_time(
    *, store: FleetStore, settings: Settings, who: Principal, unit_id: str, req: TimeCorrection, now: datetime
) -> TimeNodeView:
    """A crew confirms a recorded time node of its unit, or corrects it; the replaced time is kept."""
    if req.at is not None and req.at > now + timedelta(seconds=settings.max_clock_ahead_s):
        raise ValidationFailed("'at' is in the future; check the device clock", code="time_in_future")
    load_unit(store, who, unit_id)
    stamp = store.time_of(req.incident_id, req.node.value, unit_id)
    if stamp is None:
        raise NotFound("this unit has no such time node on that incident", code="time_node_not_found")
    if req.at is None:
        amended = dataclasses.replace(stamp, confirmed_by=who.subject)
    else:
        amended = dataclasses.replace(
            stamp, at=req.at, by=who.subject, confirmed_by=who.subject, recorded_at=now,
            corrected_from=stamp.corrected_from or stamp.at,
        )  # fmt: skip
    store.amend_time(amended)
    from chalicelib.platform import audit  # the audit store only on this path

    audit.record(who, f"incident:{req.incident_id}", "time_node_amended", f"{req.node.value} of {unit_id}")
    return TimeNodeView(
        incident_id=amended.incident_id, unit_id=unit_id, node=amended.node.value, at=amended.at, by=amended.by,
        confirmed_by=amended.confirmed_by, corrected_from=amended.corrected_from,
    )  # fmt: skip


def _result(state: UnitState, previous: UnitStatus, changed: bool, stamps: list[TimeStamp]) -> StatusResult:
    return StatusResult(
        unit_id=state.unit.unit_id,
        status=state.unit.status,
        previous=previous,
        changed=changed,
        version=state.version,
        incident_id=stamps[0].incident_id if stamps else state.incident_id,
        recorded=[NodeView(node=s.node.value, at=s.at) for s in stamps],
    )
