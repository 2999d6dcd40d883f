"""The PynamoDB implementation of FleetStore (imported on first use, not at cold start)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.core.config import get_settings
from chalicelib.core.tables import bound
from chalicelib.fleet.adapters.positions import store_fix
from chalicelib.fleet.dal import (
    StationRecord,
    UnitRecord,
    UnitTimeRecord,
    node_key,
    status_actions,
    to_station,
    to_unit,
)
from chalicelib.fleet.entities import Station, TimeNode, TimeStamp, UnitState, UnitStatus
from chalicelib.fleet.logic import Step
from chalicelib.fleet.ports import FleetStore, IncidentStep, VersionConflict

# Leaving these statuses ends the assignment; anything else keeps it.
_UNASSIGNED = (UnitStatus.AVAILABLE, UnitStatus.OUT_OF_SERVICE)


def _state(r: UnitRecord) -> UnitState:
    return UnitState(
        unit=to_unit(r),
        version=int(r.version or 0),
        status_at=r.status_at,
        incident_id=r.incident_id,
        assigned_at=r.assigned_at,
        destination_id=r.destination_id,
        destination_name=r.destination_name,
    )


def _stamp(r: UnitTimeRecord) -> TimeStamp:
    return TimeStamp(
        r.incident_id, r.unit_id, TimeNode(r.node), r.at, r.recorded_at, r.by, r.confirmed_by, r.corrected_from
    )


def _time_record(s: TimeStamp) -> UnitTimeRecord:
    return bound(UnitTimeRecord)(
        s.incident_id, node_key(s.node, s.unit_id), unit_id=s.unit_id, node=s.node.value,
        at=s.at, recorded_at=s.recorded_at, by=s.by, confirmed_by=s.confirmed_by, corrected_from=s.corrected_from,
    )  # fmt: skip


def step_actions(state: UnitState, step: Step) -> list[Action]:
    """Update actions of a status step; exposed so a claim or cancel can join its own transaction."""
    actions = status_actions(step.status)
    if step.destination:
        hospital_id, name = step.destination
        actions += [UnitRecord.destination_id.set(hospital_id), UnitRecord.destination_name.set(name)]
    if step.status in _UNASSIGNED:
        actions += [
            UnitRecord.incident_id.remove(),
            UnitRecord.assigned_at.remove(),
            UnitRecord.destination_id.remove(),
            UnitRecord.destination_name.remove(),
        ]
    return actions


class DynamoFleetStore(FleetStore):
    def __init__(self) -> None:
        s = get_settings()
        self.connection = Connection(region=s.region, host=s.aws_endpoint_url)

    def get(self, unit_id: str, *, consistent: bool = False) -> UnitState | None:
        try:
            return _state(bound(UnitRecord).get(unit_id, consistent_read=consistent))
        except UnitRecord.DoesNotExist:
            return None

    def in_county(self, county: str, status: UnitStatus | None) -> list[UnitState]:
        where = UnitRecord.status == status.value if status else None
        return [_state(r) for r in bound(UnitRecord).by_county.query(county, filter_condition=where)]

    def station(self, station_id: str) -> Station | None:
        try:
            return to_station(bound(StationRecord).get(station_id))
        except StationRecord.DoesNotExist:
            return None

    def stations(self) -> dict[str, Station]:
        # About twenty items, read whole when a fleet view needs fallback positions.
        return {s.station_id: s for s in map(to_station, bound(StationRecord).scan())}

    def hospital_name(self, hospital_id: str) -> str | None:
        # The registry helper, not the api: the hospitals' options read the fleet (a unit's position).
        from chalicelib.hospitals.registry import name

        return name(hospital_id)

    def apply(self, state: UnitState, step: Step, stamps: Sequence[TimeStamp], *, now: datetime) -> UnitState:
        return self.apply_with(state, step, stamps, now=now, incident_step=None)

    def apply_with(
        self,
        state: UnitState,
        step: Step,
        stamps: Sequence[TimeStamp],
        *,
        now: datetime,
        incident_step: IncidentStep | None,
    ) -> UnitState:
        actions = [*step_actions(state, step), UnitRecord.status_at.set(now)]
        record = bound(UnitRecord)(state.unit.unit_id, version=state.version)
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.update(record, actions=actions, condition=UnitRecord.unit_id.exists())
                if state.incident_id:
                    if incident_step is None:
                        raise RuntimeError("a unit on a job changes status only with its incident's part")
                    # The incident follows its unit, in the same transaction (the board and the caller see it).
                    to = step.destination[0] if step.destination else None
                    incident_step(tx, state.incident_id, state.unit.unit_id, step.status.value, to, now)
                for stamp in stamps:
                    tx.save(_time_record(stamp))
        except TransactWriteError as exc:
            # The unit's version, or the incident no longer held by this unit (reassigned): either
            # way the caller's view is out of date.
            if any(r is not None and r.code == "ConditionalCheckFailed" for r in exc.cancellation_reasons or []):
                raise VersionConflict("the unit changed meanwhile; read it again and retry") from exc
            raise
        unit = state.unit.model_copy(update={"status": step.status})
        cleared = step.status in _UNASSIGNED
        return dataclasses.replace(
            state,
            unit=unit,
            version=state.version + 1,
            status_at=now,
            incident_id=None if cleared else state.incident_id,
            assigned_at=None if cleared else state.assigned_at,
            destination_id=None if cleared else (step.destination or (state.destination_id,))[0],
            destination_name=None if cleared else (step.destination or (None, state.destination_name))[1],
        )

    def move(self, state: UnitState, lat: float, lon: float, at: datetime) -> bool:
        return store_fix(state.unit.unit_id, state.unit.status, lat, lon, at)

    def record_first(self, stamp: TimeStamp) -> bool:
        try:
            _time_record(stamp).save(condition=UnitTimeRecord.node_unit.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def time_of(self, incident_id: str, node: str, unit_id: str) -> TimeStamp | None:
        try:
            return _stamp(bound(UnitTimeRecord).get(incident_id, node_key(node, unit_id), consistent_read=True))
        except UnitTimeRecord.DoesNotExist:
            return None

    def amend_time(self, stamp: TimeStamp) -> None:
        _time_record(stamp).save(condition=UnitTimeRecord.node_unit.exists())

    def times_of(self, incident_id: str) -> list[TimeStamp]:
        return [_stamp(r) for r in bound(UnitTimeRecord).query(incident_id)]


class FollowedByIncident(FleetStore):
    """The fleet store as a status write needs it: the one store (per container) for everything,
    its status writes with the incident's part."""

    def __init__(self, store: DynamoFleetStore, incident_step: IncidentStep) -> None:
        self.store, self.incident_step = store, incident_step

    def get(self, unit_id: str, *, consistent: bool = False) -> UnitState | None:
        # Passed on as called: a test replays a stale read by replacing the store's `get`.
        return self.store.get(unit_id, consistent=True) if consistent else self.store.get(unit_id)

    def in_county(self, county: str, status: UnitStatus | None) -> list[UnitState]:
        return self.store.in_county(county, status)

    def station(self, station_id: str) -> Station | None:
        return self.store.station(station_id)

    def stations(self) -> dict[str, Station]:
        return self.store.stations()

    def hospital_name(self, hospital_id: str) -> str | None:
        return self.store.hospital_name(hospital_id)

    def apply(self, state: UnitState, step: Step, stamps: Sequence[TimeStamp], *, now: datetime) -> UnitState:
        return self.store.apply_with(state, step, stamps, now=now, incident_step=self.incident_step)

    def move(self, state: UnitState, lat: float, lon: float, at: datetime) -> bool:
        return self.store.move(state, lat, lon, at)

    def record_first(self, stamp: TimeStamp) -> bool:
        return self.store.record_first(stamp)

    def time_of(self, incident_id: str, node: str, unit_id: str) -> TimeStamp | None:
        return self.store.time_of(incident_id, node, unit_id)

    def amend_time(self, stamp: TimeStamp) -> None:
        self.store.amend_time(stamp)

    def times_of(self, incident_id: str) -> list[TimeStamp]:
        return self.store.times_of(incident_id)


def node_recorded(incident_id: str, node: str) -> bool:
    query = bound(UnitTimeRecord).query(incident_id, UnitTimeRecord.node_unit.startswith(f"{node}#"))
    return any(True for _ in query)
