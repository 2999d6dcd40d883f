"""Wristbands, the incident's timeline and the KPIs.

A crew binds a band to its patient; the hospital's scanners record the nodes (door, CT, needle,
balloon ...). Each scan refreshes the incident's KPI summary (one item), which the KPI query reads
by county and time; each interval completed by a scan is emitted as an EMF metric.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.observability import count, metric_seconds
from chalicelib.core.tables import bound
from chalicelib.healthaccess.entities import Basis
from chalicelib.timeline import logic
from chalicelib.timeline import nodes as response_nodes
from chalicelib.timeline.dal import HospitalTimeRecord, IncidentKpiRecord, WristbandRecord
from chalicelib.timeline.schemas import (
    BandView,
    BindBand,
    IntervalKpi,
    IntervalView,
    KpiQuery,
    Kpis,
    NodeView,
    ScanRequest,
    ScanResult,
    Timeline,
)

NODE_LABELS = {
    "call": "Call received", "eTimes.03": "Unit notified", "eTimes.05": "En route", "eTimes.06": "On scene",
    "eTimes.07": "At patient", "eTimes.09": "Left scene", "eTimes.11": "At destination",
    "eTimes.13": "Back in service", "door": "Hospital door", "triage": "ED triage", "ct_start": "CT start",
    "ct_read": "CT read", "needle": "Thrombolysis (needle)", "groin_puncture": "Groin puncture",
    "reperfusion": "Reperfusion (balloon / device)", "admission": "Admission",
}  # fmt: skip
MAX_RANGE = timedelta(days=92)


def bind(who: Principal, body: BindBand, now: datetime) -> BandView:
    access = _open(who, body.incident_id, "wristband.bind", now, body.band_id)
    if access.basis is not Basis.ASSIGNED_CREW:
        raise Forbidden("the crew of the unit on the job binds the band", code="not_assigned")
    record = bound(WristbandRecord)(body.band_id, incident_id=body.incident_id, unit_id=access.unit_id,
                                    bound_by=who.subject, bound_at=now)  # fmt: skip
    try:
        record.save(condition=WristbandRecord.band_id.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        record = _band(body.band_id)
        if record.incident_id != body.incident_id:
            raise Conflict("the band is bound to another patient", code="band_in_use") from exc
    return BandView(band_id=record.band_id, incident_id=record.incident_id, unit_id=record.unit_id,
                    bound_at=record.bound_at)  # fmt: skip


def scan(who: Principal, band_id: str, body: ScanRequest, now: datetime, max_ahead_s: int) -> ScanResult:
    band = _band(band_id)
    at = body.at or now
    if at > now + timedelta(seconds=max_ahead_s):
        raise ValidationFailed("'at' is in the future; check the scanner's clock", code="time_in_future",
                               details=[{"field": "at", "message": "in the future"}])  # fmt: skip
    _open(who, band.incident_id, "wristband.scan", now, f"{body.node.value} by {band_id}")
    hospital = next(iter(sorted(who.scope_ids("hospital"))), None) if who.role is Role.HOSPITAL else None
    record = bound(HospitalTimeRecord)(
        band.incident_id, body.node.value, at=at, band_id=band_id, hospital_id=hospital, station=body.station,
        scanned_by=who.subject, recorded_at=now,
    )  # fmt: skip
    try:
        record.save(condition=HospitalTimeRecord.node.does_not_exist())
        recorded = True
        count(f"TimeNode_{body.node.value}")
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        record = bound(HospitalTimeRecord).get(band.incident_id, body.node.value, consistent_read=True)
        recorded = False
    if recorded:
        refresh(band.incident_id, now)
    return ScanResult(band_id=band_id, incident_id=band.incident_id, node=body.node, at=record.at, recorded=recorded)


def timeline(who: Principal, incident_id: str, now: datetime) -> Timeline:
    _open(who, incident_id, "timeline.read", now)
    nodes, sources, pathway, _ = _nodes(incident_id)
    ordered = sorted(nodes.items(), key=lambda kv: (kv[1], kv[0]))
    views = [NodeView(node=n, at=at, source=sources[n], label_en=NODE_LABELS.get(n) or response_nodes.label(n)[1])
             for n, at in ordered]  # fmt: skip
    return Timeline(incident_id=incident_id, pathway=pathway, nodes=views,
                    intervals=[_interval_view(i) for i in logic.intervals(nodes, pathway)])  # fmt: skip


def refresh(incident_id: str, now: datetime) -> IncidentKpiRecord | None:
    """Recompute the incident's KPI summary; emit each interval completed since the last one."""
    from chalicelib.consultations.dal import ConsultationRecord

    nodes, _, pathway, incident = _nodes(incident_id)
    if incident is None:
        return None
    measured = {i.definition.id: i for i in logic.intervals(nodes, pathway) if i.seconds is not None}
    try:
        before = set(bound(IncidentKpiRecord).get(incident_id).intervals)
    except DoesNotExist:
        before = set()
    for interval_id in sorted(set(measured) - before):
        metric_seconds(f"Interval_{interval_id}", measured[interval_id].seconds or 0.0)
    consultations = sum(1 for _ in bound(ConsultationRecord).by_incident.query(incident_id))
    record = bound(IncidentKpiRecord)(
        incident_id, county=incident.county, call_at=incident.created_at, pathway=pathway,
        level=incident.triage_level, intervals={k: v.seconds for k, v in measured.items()},
        met={k: v.met for k, v in measured.items() if v.met is not None}, consultations=consultations,
        updated_at=now,
    )  # fmt: skip
    record.save()
    return record


def kpis(who: Principal, q: KpiQuery) -> Kpis:
    from chalicelib.core.counties import counties_for

    if q.end <= q.start or q.end - q.start > MAX_RANGE:
        raise ValidationFailed("'to' must be after 'from', at most 92 days later", code="invalid_range",
                               details=[{"field": "to", "message": "after from, within 92 days"}])  # fmt: skip
    counties = counties_for(who, q.county)
    rows = [
        r
        for county in counties
        for r in bound(IncidentKpiRecord).by_county.query(county, IncidentKpiRecord.call_at.between(q.start, q.end))
        if q.pathway is None or r.pathway == q.pathway
    ]
    summaries = []
    for d in logic.definitions():
        samples = [(float(r.intervals[d.id]), r.met.get(d.id)) for r in rows if d.id in (r.intervals or {})]
        s = logic.summarise(d.id, samples)
        summaries.append(IntervalKpi(interval=d.id, label_en=d.en, target_s=d.target_s, count=s.count,
                                     median_s=s.median_s, p90_s=s.p90_s, within_target=s.within_target))  # fmt: skip
    return Kpis(start=q.start, end=q.end, county=q.county, pathway=q.pathway, patients=len(rows),
                consultations=sum(int(r.consultations or 0) for r in rows), intervals=summaries)  # fmt: skip


# -- helpers ----------------------------------------------------------------------------------------


def _open(who: Principal, incident_id: str, action: str, now: datetime, detail: str | None = None) -> Any:
    from chalicelib.healthaccess.api import open_record

    return open_record(who, incident_id, action, now, detail)


def _band(band_id: str) -> WristbandRecord:
    try:
        return bound(WristbandRecord).get(band_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("no such wristband", code="band_not_found") from None


def _nodes(incident_id: str) -> tuple[dict[str, datetime], dict[str, str], str | None, Any]:
    """Every known node of the incident: the call, its units' NEMSIS times (the earliest per node), the bands',
    and the response's around the ambulance (telephone CPR, volunteers), whose source is their namespace."""
    from chalicelib.fleet.api import times_of
    from chalicelib.incidents.dal import IncidentRecord

    try:
        incident = bound(IncidentRecord).get(
            incident_id, attributes_to_get=["incident_id", "county", "created_at", "pathway", "triage_level"]
        )
    except DoesNotExist:
        return {}, {}, None, None
    nodes: dict[str, datetime] = {"call": incident.created_at}
    sources = {"call": "call"}
    for t in times_of(incident_id):
        node = t.node.value
        if node not in nodes or t.at < nodes[node]:
            nodes[node], sources[node] = t.at, "unit"
    for h in bound(HospitalTimeRecord).query(incident_id):
        nodes[h.node], sources[h.node] = h.at, "wristband"
    for node, at in response_nodes.nodes_of(incident_id).items():
        nodes[node], sources[node] = at, response_nodes.source(node)
    return nodes, sources, incident.pathway, incident


def _interval_view(i: logic.Interval) -> IntervalView:
    d = i.definition
    return IntervalView(id=d.id, label_zh=d.zh, label_en=d.en, start=d.start, stop=d.stop, start_at=i.start_at,
                        stop_at=i.stop_at, seconds=i.seconds, target_s=d.target_s, met=i.met)  # fmt: skip
