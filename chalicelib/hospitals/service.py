"""Hospitals use cases: the registry with capacity, a hospital's capacity report, an incident's options."""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.auth import Principal
from chalicelib.core.config import settings_of
from chalicelib.core.errors import NotFound
from chalicelib.hospitals import matching
from chalicelib.hospitals.entities import Capability, Capacity, Hospital, OptionsInput
from chalicelib.hospitals.ports import HospitalPorts
from chalicelib.hospitals.schemas import (
    CapacityUpdate,
    CapacityView,
    HospitalList,
    HospitalOptions,
    HospitalsQuery,
    HospitalView,
    OptionView,
    Origin,
    SkippedView,
    TransferPlan,
)
from chalicelib.hospitals.settings import HospitalSettings

SHORTLIST = 8  # hospitals whose travel time is estimated per query (nearest qualified, nearest of all)


def list_hospitals(ports: HospitalPorts, q: HospitalsQuery, now: datetime) -> HospitalList:
    chosen = [
        h
        for h in ports.store.hospitals()
        if (q.capability is None or q.capability in h.capabilities) and (q.county is None or h.county == q.county)
    ]
    caps = ports.store.capacity(h.hospital_id for h in chosen)
    views = [_hospital_view(h, caps.get(h.hospital_id), now) for h in sorted(chosen, key=lambda h: h.hospital_id)]
    return HospitalList(hospitals=views, count=len(views))


def report_capacity(
    ports: HospitalPorts, who: Principal, hospital_id: str, body: CapacityUpdate, now: datetime
) -> CapacityView:
    from chalicelib.platform import audit

    who.require_scope("hospital", hospital_id)
    cap = Capacity(**body.model_dump(), at=now, by=who.subject)
    if not ports.store.report_capacity(hospital_id, cap):
        raise NotFound("no such hospital", code="hospital_not_found")
    audit.record(who, f"hospital:{hospital_id}", "capacity.report", f"ED {body.ed_beds}, ICU {body.icu_beds}")
    return _capacity_view(cap, now)


def options(ports: HospitalPorts, who: Principal, incident_id: str, now: datetime) -> HospitalOptions:
    from chalicelib.healthaccess.api import open_record

    # The options reveal the patient's level and pathway: the same rule as the rest of the record.
    open_record(who, incident_id, "hospital_options.read", now)
    return compute_options(ports, incident_id, now)


def compute_options(ports: HospitalPorts, incident_id: str, now: datetime) -> HospitalOptions:
    """The options without the access check: for bookings, which have made it already."""
    incident = ports.sources.incident(incident_id)
    if incident is None:
        raise NotFound("no such incident", code="incident_not_found")
    origin = _origin(ports, incident)
    need = matching.Need(
        capabilities=frozenset(Capability(c) for c in incident.required_capabilities),
        level=incident.triage_level,
        pathway=incident.pathway,
    )

    def eta(lat: float, lon: float, h: Hospital) -> float:
        return ports.sources.travel_s(lat, lon, h, now)

    settings = settings_of(HospitalSettings)
    shortlist = matching.shortlist(ports.store.hospitals(), origin.lat, origin.lon, need, SHORTLIST)
    ranking = matching.rank(
        shortlist, ports.store.capacity(h.hospital_id for h in shortlist), lat=origin.lat, lon=origin.lon, need=need,
        eta=eta, now=now, within_s=settings.qualified_within_s, stale_after_s=settings.capacity_stale_s,
    )  # fmt: skip
    return _options_view(incident_id, need, origin, ranking, now)


def _origin(ports: HospitalPorts, incident: OptionsInput) -> Origin:
    """The assigned unit's last position (it carries the patient), else the incident's place."""
    unit_id = incident.unit_id
    position = ports.sources.unit_position(unit_id) if unit_id else None
    if position is not None:
        return Origin(lat=position[0], lon=position[1], source="unit", unit_id=unit_id)
    where = incident.location or {}
    return Origin(lat=float(where["lat"]), lon=float(where["lon"]), source="incident")


def _options_view(
    incident_id: str, need: matching.Need, origin: Origin, r: matching.Ranking, now: datetime
) -> HospitalOptions:
    views = [_option(i + 1, "qualified", c, need, now) for i, c in enumerate(r.options)]
    plan = None
    if r.stabilise is not None:
        views.append(_option(len(views) + 1, "stabilise", r.stabilise, need, now))
        if r.transfer_to is not None and r.transfer_eta_s is not None:
            plan = TransferPlan(
                from_hospital_id=r.stabilise.hospital.hospital_id, to_hospital_id=r.transfer_to.hospital.hospital_id,
                to_name_zh=r.transfer_to.hospital.name_zh, transfer_eta_s=round(r.transfer_eta_s),
                reason="stabilise at the nearest hospital, then transfer to the nearest qualified one",
            )  # fmt: skip
    skipped = [
        SkippedView(
            hospital_id=c.hospital.hospital_id,
            name_zh=c.hospital.name_zh,
            name_en=c.hospital.name_en,
            eta_s=round(c.eta_s),
            missing=list(c.missing),
            reason=_skip_reason(c, need),
        )
        for c in r.skipped
    ]
    return HospitalOptions(
        incident_id=incident_id, level=need.level, pathway=need.pathway,
        required_capabilities=sorted(need.capabilities), origin=origin, options=views, skipped=skipped,
        transfer_plan=plan, notes=r.notes, computed_at=now,
    )  # fmt: skip


def _option(rank: int, kind: str, c: matching.Choice, need: matching.Need, now: datetime) -> OptionView:
    h = c.hospital
    if kind == "stabilise":
        reasons = ["nearest hospital able to stabilise"]
    elif need.tertiary_only():
        reasons = [f"tertiary hospital (grade {h.grade}) for a level {need.level} patient"]
    elif need.capabilities:
        reasons = [f"has {', '.join(sorted(need.capabilities))}"]
    else:
        reasons = ["nearest emergency department"]
    return OptionView(
        rank=rank, kind=kind, hospital_id=h.hospital_id, name_zh=h.name_zh, name_en=h.name_en, grade=h.grade,
        eta_s=round(c.eta_s), distance_m=round(c.distance_m),
        capacity=_capacity_view(c.capacity, now) if c.capacity else None, warnings=list(c.warnings), reasons=reasons,
    )  # fmt: skip


def _skip_reason(c: matching.Choice, need: matching.Need) -> str:
    if c.missing:
        return f"nearer, but has no {', '.join(c.missing)}"
    if need.tertiary_only():
        return f"nearer, but grade {c.hospital.grade}: a level {need.level} patient goes to a tertiary hospital"
    return "nearer, but cannot take the patient now"


def _hospital_view(h: Hospital, cap: Capacity | None, now: datetime) -> HospitalView:
    return HospitalView(
        **h.model_dump(exclude={"capabilities"}), capabilities=sorted(h.capabilities),
        capacity=_capacity_view(cap, now) if cap else None,
    )  # fmt: skip


def _capacity_view(cap: Capacity, now: datetime) -> CapacityView:
    age = max(0, round((now - cap.at).total_seconds()))
    return CapacityView(
        ed_beds=cap.ed_beds, icu_beds=cap.icu_beds, ct_available=cap.ct_available, cath_lab=cap.cath_lab,
        at=cap.at, age_s=age, stale=age > settings_of(HospitalSettings).capacity_stale_s,
    )  # fmt: skip
