"""DynamoDB adapters of ingestion: the vitals table, and units and places through their owners'
api (imported on first use, not at cold start)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError

from chalicelib.clinical.news2 import News2
from chalicelib.core.clock import utcnow
from chalicelib.core.tables import bound
from chalicelib.fleet import api as fleet
from chalicelib.hospitals.api import location
from chalicelib.incidents import api as incidents
from chalicelib.telemetry.dal import LATEST, VitalsRecord, reading_key, reading_time
from chalicelib.telemetry.entities import StoredReading
from chalicelib.telemetry.logic import UnitNow
from chalicelib.telemetry.ports import Places, Reading, ReadingSource, TelemetryStore
from chalicelib.telemetry.schemas import DeviceStatus, Position

_VALUES = ("hr", "sbp", "dbp", "spo2", "rr", "temp_c", "etco2", "glucose_mmol")


def _now_of(u: fleet.UnitBrief) -> UnitNow:
    return UnitNow(u.unit_id, u.status, u.position_at, u.incident_id, u.destination_id, u.status_at)


class DynamoTelemetryStore(TelemetryStore):
    def __init__(self, vitals_ttl_days: int) -> None:
        self.ttl = timedelta(days=vitals_ttl_days)

    def units(self, unit_ids: Sequence[str]) -> dict[str, UnitNow]:
        return {unit_id: _now_of(u) for unit_id, u in fleet.briefs(unit_ids).items()}

    def write_position(self, unit: UnitNow, fix: Position) -> bool:
        return fleet.store_fix(unit.unit_id, unit.status, fix.lat, fix.lon, fix.ts)

    def write_device_status(self, message: DeviceStatus) -> None:
        report = message.model_dump(mode="json", exclude={"v", "kind", "unit_id"}, exclude_none=True)
        fleet.record_device_report(message.unit_id, report, message.ts)  # an older report is a no-op

    def put_readings(self, readings: Sequence[Reading]) -> None:
        expires = utcnow() + self.ttl
        with bound(VitalsRecord).batch_write() as batch:
            for r in readings:
                m = r.message
                values = {k: getattr(m, k) for k in _VALUES if getattr(m, k) is not None}
                if m.rhythm is not None:
                    values["rhythm"] = m.rhythm.model_dump(mode="json")
                batch.save(
                    bound(VitalsRecord)(
                        r.subject, reading_key(m.ts, m.unit_id, m.seq),
                        unit_id=m.unit_id, at=m.ts, values=values, news2=r.news2.total, news2_risk=r.news2.risk,
                        news2_detail={"parameters": r.news2.parameters, "missing": list(r.news2.missing)},
                        expires_at=expires,
                    )
                )  # fmt: skip

    def watermark(self, subject: str) -> tuple[datetime, News2 | None] | None:
        try:
            r = bound(VitalsRecord).get(subject, LATEST, consistent_read=True)
        except VitalsRecord.DoesNotExist:
            return None
        alerted = (r.news2_detail or {}).get("alerted")
        return r.at, News2.model_validate(alerted) if alerted else None

    def set_watermark(self, subject: str, at: datetime, alerted: News2 | None) -> bool:
        record = bound(VitalsRecord)(
            subject, LATEST, unit_id="-", at=at, values={}, news2=alerted.total if alerted else 0,
            news2_risk=alerted.risk if alerted else "low",
            news2_detail={"alerted": alerted.model_dump(mode="json") if alerted else None},
            expires_at=utcnow() + self.ttl,
        )  # fmt: skip
        try:
            record.save(condition=VitalsRecord.at.does_not_exist() | (VitalsRecord.at < at))
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True


class DynamoReadings(ReadingSource):
    def newest(self, incident_id: str, since: datetime | None, limit: int) -> list[StoredReading]:
        # Range keys start with the UTC time, so they sort by it; `LATEST` sorts after them all and
        # is not a reading. "~" sorts after "#": a reading taken exactly at `since` is not after it.
        low = f"{reading_time(since)}~" if since is not None else "0"
        condition = VitalsRecord.reading.between(low, "9999")
        records = bound(VitalsRecord).query(incident_id, condition, scan_index_forward=False, limit=limit)
        return [_stored(r) for r in sorted(records, key=lambda r: r.reading)]


def _stored(r: VitalsRecord) -> StoredReading:
    return StoredReading(at=r.at, unit_id=r.unit_id, values=r.values, news2=int(r.news2), risk=r.news2_risk)


class DynamoPlaces(Places):
    """Incident and hospital locations never move: each is read once per container (a miss is
    not remembered: the item may be written a moment later)."""

    def __init__(self) -> None:
        self._points: dict[str, tuple[float, float]] = {}

    def incident(self, incident_id: str) -> tuple[float, float] | None:
        if incident_id not in self._points:
            r = incidents.look_up(incident_id, "location")
            if r is None:
                return None
            self._remember(incident_id, (float(r.location["lat"]), float(r.location["lon"])))
        return self._points[incident_id]

    def hospital(self, hospital_id: str) -> tuple[float, float] | None:
        key = f"hospital#{hospital_id}"
        if key not in self._points:
            point = location(hospital_id)
            if point is None:
                return None
            self._remember(key, point)
        return self._points[key]

    def _remember(self, key: str, point: tuple[float, float]) -> None:
        if len(self._points) >= 4096:  # a container lives hours at most; start afresh rather than grow
            self._points.clear()
        self._points[key] = point
