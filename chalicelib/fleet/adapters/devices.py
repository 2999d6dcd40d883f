"""What the onboard devices' stream writes and reads of units: a batched read of the units it
hears from, and their newest device health report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.core.tables import bound
from chalicelib.fleet.dal import UnitRecord
from chalicelib.fleet.entities import UnitBrief, UnitStatus

_BRIEF = ["unit_id", "status", "status_at", "position_at", "incident_id", "destination_id"]


def briefs(unit_ids: Sequence[str]) -> dict[str, UnitBrief]:
    records = bound(UnitRecord).batch_get(unit_ids, attributes_to_get=_BRIEF)
    return {
        r.unit_id: UnitBrief(
            r.unit_id, UnitStatus(r.status), r.status_at, r.position_at, r.incident_id, r.destination_id
        )
        for r in records
    }


def record_device_report(unit_id: str, report: dict[str, Any], at: datetime) -> None:
    """Keep the newest report only: an older one than the stored report is a no-op."""
    table = bound(UnitRecord)._get_connection()
    fresh = UnitRecord.device_at.does_not_exist() | (UnitRecord.device_at < at)
    try:
        table.update_item(
            unit_id,
            actions=[UnitRecord.device.set(report), UnitRecord.device_at.set(at)],
            condition=UnitRecord.unit_id.exists() & fresh,
        )
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
