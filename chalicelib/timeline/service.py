"""Wristbands, the incident's timeline and the KPIs.

A crew binds a band to its patient; the hospital's scanners record the nodes (door, CT, needle,
balloon ...). Each scan refreshes the incident's KPI summary (one item), which the KPI query reads
by county and time; each interval completed by a scan is emitted as an EMF metric.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.observability import count, metric_seconds
from chalicelib.healthaccess.api import Basis
from chalicelib.incidents import api as incidents
from chalicelib.timeline import logic
from chalicelib.timeline import nodes as response_nodes
from chalicelib.timeline.entities import Band, HospitalNode, KpiSummary
from chalicelib.timeline.ports import Consultations, TimelineStore
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
from chalicelib.timeline.wiring import get_consultations, get_timeline_store

NODE_LABELS = {
    "call": "Call received", "eTimes.03": "Unit notified", "eTimes.05": "En route", "eTimes.06": "On scene",
    "eTimes.07": "At patient", "eTimes.09": "Left scene", "eTimes.11": "At destination",
    "eTimes.13": "Back in service", "door": "Hospital door", "triage": "ED triage", "ct_start": "CT start",
    "ct_read": "CT read", "needle": "Thrombolysis (needle)", "groin_puncture": "Groin puncture",
    "reperfusion": "Reperfusion (balloon / device)", "admission": "Admission",
}  # fmt: skip
MAX_RANGE = timedelta(days=92)


def bind(who: Principal, body: BindBand, now: datetime, store: TimelineStore | None = None) -> BandView:
    access = _open(who, body.incident_id, "wristband.bind", now, body.band_id)
    if access.basis is not Basis.ASSIGNED_CREW:
        raise Forbidden("the crew of the unit on the job binds the band", code="not_assigned")
    band = Band(body.band_id, body.incident_id, access.unit_id, who.subject, now)
    record = (store or get_timeline_store()).bind(band)
    if record.incident_id != body.incident_id:
        raise Conflict("the band is bound to another patient", code="band_in_use")
    return BandView(band_id=record.band_id, incident_id=record.incident_id, unit_id=record.unit_id,
                    bound_at=record.bound_at)  # fmt: skip


def scan(
    who: Principal, band_id: str, body: ScanRequest, now: datetime, max_ahead_s: int, store: TimelineStore | None = None
) -> ScanResult:
    store = store or get_timeline_store()
    band = _band(store, band_id)
    at = body.at or now
    if at > now + timedelta(seconds=max_ahead_s):
        raise ValidationFailed("'at' is in the future; check the scanner's clock", code="time_in_future",
                               details=[{"field": "at", "message": "in the future"}])  # fmt: skip
    _open(who, band.incident_id, "wristband.scan", now, f"{body.node.value} by {band_id}")
    hospital = next(iter(sorted(who.scope_ids("hospital"))), None) if who.role is Role.HOSPITAL else None
    node = HospitalNode(band.incident_id, body.node.value, at, band_id, hospital, body.station, who.subject, now)
    record, recorded = store.record(node)
    if recorded:
        count(f"TimeNode_{body.node.value}")
        refresh(band.incident_id, now, store=store)
    return ScanResult(band_id=band_id, incident_id=band.incident_id, node=body.node, at=record.at, recorded=recorded)


def timeline(who: Principal, incident_id: str, now: datetime, store: TimelineStore | None = None) -> Timeline:
    _open(who, incident_id, "timeline.read", now)
    nodes, sources, pathway, _ = _nodes(store or get_timeline_store(), incident_id)
    ordered = sorted(nodes.items(), key=lambda kv: (kv[1], kv[0]))
    views = [NodeView(node=n, at=at, source=sources[n], label_en=NODE_LABELS.get(n) or response_nodes.label(n)[1])
             for n, at in ordered]  # fmt: skip
    return Timeline(incident_id=incident_id, pathway=pathway, nodes=views,
                    intervals=[_interval_view(i) for i in logic.intervals(nodes, pathway)])  # fmt: skip


def refresh(
    incident_id: str, now: datetime, *, store: TimelineStore | None = None, consultations: Consultations | None = None
) -> KpiSummary | None:
    """Recompute the incident's KPI summary; emit each interval completed since the last one."""
    store = store or get_timeline_store()
    nodes, _, pathway, incident = _nodes(store, incident_id)
    if incident is None:
        return None
    measured = {i.definition.id: i for i in logic.intervals(nodes, pathway) if i.seconds is not None}
    seconds = {k: v.seconds for k, v in measured.items() if v.seconds is not None}
    earlier = store.kpi(incident_id)
    before = set(earlier.intervals) if earlier else set()
    for interval_id in sorted(set(measured) - before):
        metric_seconds(f"Interval_{interval_id}", measured[interval_id].seconds or 0.0)
    summary = KpiSummary(
        incident_id, county=incident.county, call_at=incident.created_at, pathway=pathway,
        level=incident.triage_level, updated_at=now, intervals=seconds,
        met={k: v.met for k, v in measured.items() if v.met is not None},
        consultations=(consultations or get_consultations()).count(incident_id),
    )  # fmt: skip
    store.save_kpi(summary)
    return summary


def kpis(who: Principal, q: KpiQuery, store: TimelineStore | None = None) -> Kpis:
    from chalicelib.core.counties import counties_for

    if q.end <= q.start or q.end - q.start > MAX_RANGE:
        raise ValidationFailed("'to' must be after 'from', at most 92 days later", code="invalid_range",
                               details=[{"field": "to", "message": "after from, within 92 days"}])  # fmt: skip
    counties = counties_for(who, q.county)
    found = (store or get_timeline_store()).kpis(counties, q.start, q.end)
    rows = [r for r in found if q.pathway is None or r.pathway == q.pathway]
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


def _band(store: TimelineStore, band_id: str) -> Band:
    band = store.band(band_id)
    if band is None:
        raise NotFound("no such wristband", code="band_not_found")
    return band


def _nodes(store: TimelineStore, incident_id: str) -> tuple[dict[str, datetime], dict[str, str], str | None, Any]:
    """Every known node of the incident: the call, its units' NEMSIS times (the earliest per node), the bands',
    and the response's around the ambulance (telephone CPR, volunteers), whose source is their namespace."""
    from chalicelib.fleet.api import times_of

    incident = incidents.look_up(incident_id, "pathway", "triage_level")
    if incident is None:
        return {}, {}, None, None
    nodes: dict[str, datetime] = {"call": incident.created_at}
    sources = {"call": "call"}
    for t in times_of(incident_id):
        node = t.node.value
        if node not in nodes or t.at < nodes[node]:
            nodes[node], sources[node] = t.at, "unit"
    for h in store.hospital_nodes(incident_id):
        nodes[h.node], sources[h.node] = h.at, "wristband"
    for node, at in response_nodes.nodes_of(incident_id).items():
        nodes[node], sources[node] = at, response_nodes.source(node)
    return nodes, sources, incident.pathway, incident


def _interval_view(i: logic.Interval) -> IntervalView:
    d = i.definition
    return IntervalView(id=d.id, label_zh=d.zh, label_en=d.en, start=d.start, stop=d.stop, start_at=i.start_at,
                        stop_at=i.stop_at, seconds=i.seconds, target_s=d.target_s, met=i.met)  # fmt: skip
