"""PynamoDB implementations of the timeline's ports (imported on first use, not at cold start)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.core.tables import bound
from chalicelib.timeline.dal import HospitalTimeRecord, IncidentKpiRecord, ResponseNodeRecord, WristbandRecord
from chalicelib.timeline.entities import Band, HospitalNode, KpiSummary, ResponseNode
from chalicelib.timeline.ports import Consultations, ResponseNodeStore, TimelineStore


def _lost_race(exc: PutError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


def _band(r: WristbandRecord) -> Band:
    return Band(r.band_id, r.incident_id, r.unit_id, r.bound_by, r.bound_at)


def _node(r: HospitalTimeRecord) -> HospitalNode:
    return HospitalNode(r.incident_id, r.node, r.at, r.band_id, r.hospital_id, r.station, r.scanned_by, r.recorded_at)


def _kpi(r: IncidentKpiRecord) -> KpiSummary:
    return KpiSummary(
        incident_id=r.incident_id, county=r.county, call_at=r.call_at, pathway=r.pathway,
        level=int(r.level) if r.level is not None else None, updated_at=r.updated_at,
        intervals=dict(r.intervals or {}), met=dict(r.met or {}), consultations=int(r.consultations or 0),
    )  # fmt: skip


class DynamoTimelineStore(TimelineStore):
    def bind(self, b: Band) -> Band:
        record = bound(WristbandRecord)(b.band_id, incident_id=b.incident_id, unit_id=b.unit_id,
                                        bound_by=b.bound_by, bound_at=b.bound_at)  # fmt: skip
        try:
            record.save(condition=WristbandRecord.band_id.does_not_exist())
        except PutError as exc:
            if not _lost_race(exc):
                raise
            return _band(bound(WristbandRecord).get(b.band_id, consistent_read=True))
        return b

    def band(self, band_id: str) -> Band | None:
        try:
            return _band(bound(WristbandRecord).get(band_id, consistent_read=True))
        except DoesNotExist:
            return None

    def record(self, n: HospitalNode) -> tuple[HospitalNode, bool]:
        record = bound(HospitalTimeRecord)(
            n.incident_id, n.node, at=n.at, band_id=n.band_id, hospital_id=n.hospital_id, station=n.station,
            scanned_by=n.scanned_by, recorded_at=n.recorded_at,
        )  # fmt: skip
        try:
            record.save(condition=HospitalTimeRecord.node.does_not_exist())
        except PutError as exc:
            if not _lost_race(exc):
                raise
            return _node(bound(HospitalTimeRecord).get(n.incident_id, n.node, consistent_read=True)), False
        return n, True

    def hospital_nodes(self, incident_id: str) -> list[HospitalNode]:
        return [_node(r) for r in bound(HospitalTimeRecord).query(incident_id)]

    def kpi(self, incident_id: str) -> KpiSummary | None:
        try:
            return _kpi(bound(IncidentKpiRecord).get(incident_id))
        except DoesNotExist:
            return None

    def save_kpi(self, s: KpiSummary) -> None:
        bound(IncidentKpiRecord)(
            s.incident_id, county=s.county, call_at=s.call_at, pathway=s.pathway, level=s.level,
            intervals=s.intervals, met=s.met, consultations=s.consultations, updated_at=s.updated_at,
        ).save()  # fmt: skip

    def kpis(self, counties: Sequence[str], start: datetime, end: datetime) -> list[KpiSummary]:
        index = bound(IncidentKpiRecord).by_county
        return [_kpi(r) for c in counties for r in index.query(c, IncidentKpiRecord.call_at.between(start, end))]


class DynamoResponseNodes(ResponseNodeStore):
    def add(self, n: ResponseNode) -> bool:
        record = bound(ResponseNodeRecord)(n.incident_id, n.node, at=n.at, by=n.by, detail=n.detail,
                                           recorded_at=n.recorded_at)  # fmt: skip
        try:
            record.save(condition=ResponseNodeRecord.node.does_not_exist())
        except PutError as exc:
            if _lost_race(exc):
                return False
            raise
        return True

    def at(self, incident_id: str, node: str) -> datetime | None:
        try:
            at: datetime = bound(ResponseNodeRecord).get(incident_id, node, consistent_read=True).at
        except DoesNotExist:
            return None
        return at

    def of_incident(self, incident_id: str, namespace: str | None = None) -> dict[str, datetime]:
        condition = ResponseNodeRecord.node.startswith(f"{namespace}.") if namespace else None
        return {r.node: r.at for r in bound(ResponseNodeRecord).query(incident_id, range_key_condition=condition)}


class DynamoConsultations(Consultations):
    def count(self, incident_id: str) -> int:
        from chalicelib.consultations.api import count_of_incident

        return count_of_incident(incident_id)
