"""The fleet's parts of transactions another domain runs (dispatch's claim and cancel): only this
module knows the unit and unit-times records those transactions write."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.core.tables import bound
from chalicelib.fleet.dal import UnitRecord, UnitTimeRecord, node_key
from chalicelib.fleet.entities import TimeNode, UnitStatus

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite

# A unit may be stood down until it reaches the scene; after that the crew closes the job.
_RELEASABLE = (UnitStatus.ASSIGNED.value, UnitStatus.EN_ROUTE.value)


def add_time_node(tx: TransactWrite, incident_id: str, unit_id: str, node: TimeNode, now: datetime, by: str) -> None:
    record = bound(UnitTimeRecord)(
        incident_id, node_key(node.value, unit_id), unit_id=unit_id, node=node.value, at=now, recorded_at=now, by=by
    )
    tx.save(record)


def add_claim(tx: TransactWrite, unit_id: str, incident_id: str, now: datetime) -> None:
    """AVAILABLE -> ASSIGNED to `incident_id`, if the unit is still free (out of the sparse indexes)."""
    unit = bound(UnitRecord)(unit_id, version=0)  # the version is bumped, not compared
    actions: list[Action] = [
        UnitRecord.status.set(UnitStatus.ASSIGNED.value),
        UnitRecord.avail_cell.remove(),
        UnitRecord.avail_county.remove(),
        UnitRecord.status_at.set(now),
        UnitRecord.incident_id.set(incident_id),
        UnitRecord.assigned_at.set(now),
    ]
    free = (UnitRecord.status == UnitStatus.AVAILABLE.value) & UnitRecord.incident_id.does_not_exist()
    tx.update(unit, actions=actions, condition=free, add_version_condition=False)


def add_release(tx: TransactWrite, unit_id: str, incident_id: str, now: datetime) -> None:
    """Stand a unit down from `incident_id`: free again where it is (no read of its position)."""
    record = bound(UnitRecord)(unit_id, version=0)
    actions: list[Action] = [
        UnitRecord.status.set(UnitStatus.AVAILABLE.value),
        UnitRecord.avail_cell.set(UnitRecord.cell_coarse),  # back in the sparse indexes, where it is
        UnitRecord.avail_county.set(UnitRecord.county),
        UnitRecord.status_at.set(now),
        UnitRecord.incident_id.remove(),
        UnitRecord.assigned_at.remove(),
        UnitRecord.destination_id.remove(),
        UnitRecord.destination_name.remove(),
    ]
    cond = (UnitRecord.incident_id == incident_id) & UnitRecord.status.is_in(*_RELEASABLE)
    tx.update(record, actions=actions, condition=cond, add_version_condition=False)
