"""The incident's part of a transaction another domain runs (a dispatch claim or cancel, a unit's
status step): only this domain knows the record; the caller keeps the order of the parts, which
its reading of a cancellation's reasons depends on."""

from __future__ import annotations

from datetime import datetime

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.core.tables import bound
from chalicelib.incidents.adapters.records import search_actions
from chalicelib.incidents.dal import IncidentRecord
from chalicelib.incidents.entities import Recommendations

# The incident follows its unit (unit statuses as fleet names them), so the board and the caller see it.
_FOLLOWS = {s: s.lower() for s in ("EN_ROUTE", "ON_SCENE", "TRANSPORTING", "AT_HOSPITAL")}


def _held_by(unit_id: str | None) -> Condition:
    return IncidentRecord.unit_id == unit_id if unit_id else IncidentRecord.unit_id.does_not_exist()


def add_assignment(
    tx: TransactWrite,
    incident_id: str,
    unit_id: str,
    *,
    by: str,
    now: datetime,
    previous: str | None,
    search: Recommendations | None = None,
) -> None:
    settled: Condition = IncidentRecord.open_county.exists()
    settled &= _held_by(previous)
    actions: list[Action] = [
        IncidentRecord.status.set("assigned"),
        IncidentRecord.unit_id.set(unit_id),
        IncidentRecord.assigned_at.set(now),
        IncidentRecord.assigned_by.set(by),
        IncidentRecord.updated_at.set(now),
        IncidentRecord.wait_pool.remove(),
        IncidentRecord.notified_at.remove(),
        *(search_actions(search, now) if search else ()),
    ]
    tx.update(bound(IncidentRecord)(incident_id), actions=actions, condition=settled)


def add_cancellation(tx: TransactWrite, incident_id: str, unit_id: str | None, reason: str, now: datetime) -> None:
    cond: Condition = IncidentRecord.open_county.exists()
    cond &= _held_by(unit_id)
    actions: list[Action] = [
        IncidentRecord.status.set("cancelled"),
        IncidentRecord.closed_at.set(now),
        IncidentRecord.closed_reason.set(reason[:200]),
        IncidentRecord.updated_at.set(now),
        IncidentRecord.open_county.remove(),
        IncidentRecord.wait_pool.remove(),
    ]
    tx.update(bound(IncidentRecord)(incident_id), actions=actions, condition=cond)


def _step_actions(unit_status: str, destination_id: str | None, now: datetime) -> list[Action] | None:
    if unit_status in _FOLLOWS:
        actions: list[Action] = [
            IncidentRecord.status.set(_FOLLOWS[unit_status]),
            IncidentRecord.updated_at.set(now),
        ]
        if destination_id:
            actions.append(IncidentRecord.destination_id.set(destination_id))
        return actions
    if unit_status == "AVAILABLE":
        # Back in service after the job (the cancel path frees units in dispatch, not here).
        return [
            IncidentRecord.status.set("closed"),
            IncidentRecord.closed_at.set(now),
            IncidentRecord.updated_at.set(now),
            IncidentRecord.open_county.remove(),
        ]
    if unit_status == "OUT_OF_SERVICE":
        # Broken down or diverted on the way: the incident goes back to its county's waiting queue,
        # in its original place (the next unit to come free takes it), and to the dispatcher's attention.
        return [
            IncidentRecord.status.set("waiting"),
            IncidentRecord.wait_pool.set(IncidentRecord.county),
            IncidentRecord.dispatch_level.set("county"),
            IncidentRecord.unit_id.remove(),
            IncidentRecord.notified_at.remove(),
            IncidentRecord.workflow.set("needs_dispatcher"),
            IncidentRecord.attention.set("unit_out_of_service"),
            IncidentRecord.updated_at.set(now),
        ]
    return None


def add_unit_step(
    tx: TransactWrite, incident_id: str, unit_id: str, unit_status: str, destination_id: str | None, now: datetime
) -> bool:
    actions = _step_actions(unit_status, destination_id, now)
    if actions is None:
        return False
    tx.update(bound(IncidentRecord)(incident_id), actions=actions, condition=IncidentRecord.unit_id == unit_id)
    return True
