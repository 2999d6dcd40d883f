"""Reading an incident's monitor readings, under the health-data access rule."""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.auth import Principal
from chalicelib.core.tables import bound
from chalicelib.telemetry.dal import VitalsRecord, reading_time
from chalicelib.telemetry.schemas import ReadingList, ReadingsQuery, ReadingView


def incident_readings(who: Principal, incident_id: str, query: ReadingsQuery, now: datetime) -> ReadingList:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "vitals.read", now)
    views = [_view(r) for r in newest(incident_id, query.since, query.limit)]
    return ReadingList(incident_id=incident_id, readings=views, count=len(views))


def newest(incident_id: str, since: datetime | None, limit: int) -> list[VitalsRecord]:
    # Range keys start with the UTC time, so they sort by it; `LATEST` sorts after them all and
    # is not a reading. "~" sorts after "#": a reading taken exactly at `since` is not after it.
    low = f"{reading_time(since)}~" if since is not None else "0"
    condition = VitalsRecord.reading.between(low, "9999")
    records = bound(VitalsRecord).query(incident_id, condition, scan_index_forward=False, limit=limit)
    return sorted(records, key=lambda r: r.reading)


def _view(r: VitalsRecord) -> ReadingView:
    return ReadingView(at=r.at, unit_id=r.unit_id, values=r.values, news2=int(r.news2), risk=r.news2_risk)
