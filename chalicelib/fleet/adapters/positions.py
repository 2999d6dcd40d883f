"""A unit's position writes: one conditional UpdateItem per newer fix, never a version bump."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.core.tables import bound
from chalicelib.fleet.dal import UnitRecord, position_actions
from chalicelib.fleet.entities import UnitStatus
from chalicelib.fleet.ports import VersionConflict


class PositionNotNewer(Exception):
    """The stored fix is as new as this one or newer (a late or repeated message)."""


class StatusMoved(Exception):
    """The unit's status changed since it was read; write again for the new status."""

    def __init__(self, status: UnitStatus) -> None:
        super().__init__(status.value)
        self.status = status


def store_fix(unit_id: str, status: UnitStatus, lat: float, lon: float, at: datetime) -> bool:
    """`write_position` for the status last read, again for a newer one if it changed meanwhile;
    False when the stored fix is as new or newer."""
    for _ in range(3):
        try:
            write_position(unit_id, status, lat, lon, at)
        except PositionNotNewer:
            return False
        except StatusMoved as moved:
            status = moved.status
            continue
        return True
    raise VersionConflict("the unit is changing too fast; retry")


def write_position(unit_id: str, status: UnitStatus, lat: float, lon: float, at: datetime) -> None:
    """Store a newer fix with one UpdateItem.

    Conditional on the fix being newer and on `status` still being the unit's: the sparse index
    cell is right for that status only. The version is left alone on purpose: a position is not a
    decision, so a claim or a crew's status report read before it must not fail because of it.
    """
    table = bound(UnitRecord)._get_connection()
    condition = (UnitRecord.position_at < at) & (UnitRecord.status == status.value)
    try:
        table.update_item(unit_id, actions=position_actions(status, lat, lon, at), condition=condition)
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        fresh = bound(UnitRecord).get(unit_id, consistent_read=True)
        if fresh.position_at >= at:
            raise PositionNotNewer(unit_id) from exc
        raise StatusMoved(UnitStatus(fresh.status)) from exc
