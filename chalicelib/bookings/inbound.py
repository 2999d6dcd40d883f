"""The emergency department's inbound board: who is offered to it or on the way, and when they arrive."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.bookings.entities import Booking
from chalicelib.bookings.logic import Status
from chalicelib.bookings.schemas import InboundBoard, InboundPatient, OrderView
from chalicelib.core.auth import Principal
from chalicelib.hospitals.api import Capability

WINDOW = timedelta(hours=12)  # offers and arrivals older than a shift are not on the board
SHOWN = (Status.OFFERED, Status.ACCEPTED)


def board(who: Principal, hospital_id: str, now: datetime) -> InboundBoard:
    from chalicelib.platform import audit

    who.require_scope("hospital", hospital_id)
    from chalicelib.bookings.wiring import get_store

    rows = [r for r in get_store().of_hospital_since(hospital_id, now - WINDOW) if r.status in SHOWN]
    audit.record(who, f"hospital:{hospital_id}", "inbound.read")
    patients = [_patient(r, now) for r in sorted(rows, key=lambda r: r.created_at)]
    patients.sort(key=lambda p: (p.status != Status.OFFERED, p.eta_s if p.eta_s is not None else 10**9))
    return InboundBoard(hospital_id=hospital_id, patients=patients, as_of=now)


def _patient(r: Booking, now: datetime) -> InboundPatient:
    accepted = r.status == Status.ACCEPTED
    return InboundPatient(
        booking_id=r.booking_id, kind=r.kind, referred_by=r.referred_by, incident_id=r.incident_id, status=r.status,
        level=int(r.level) if r.level is not None else None, pathway=r.pathway,
        required_capabilities=[Capability(c) for c in r.needs or []], unit_id=r.unit_id,
        eta_s=_eta(r, now), answer_by=r.answer_by if r.status == Status.OFFERED else None,
        registration_no=r.registration_no, orders=[OrderView.model_validate(o) for o in r.orders or []],
        teams=list(r.teams or []), portrait=f"/v1/incidents/{r.incident_id}/portrait" if accepted else None,
    )  # fmt: skip


def _eta(r: Booking, now: datetime) -> int | None:
    """From the unit's last position now; the offer's estimate while the unit is unknown."""
    from chalicelib.dispatch.api import travel_s
    from chalicelib.fleet.api import unit
    from chalicelib.hospitals import api as hospitals

    hospital = hospitals.find(r.hospital_id)
    state = unit(r.unit_id) if r.unit_id else None
    if hospital is None or state is None:
        return int(r.eta_s) if r.eta_s is not None else None
    return round(travel_s(state.unit.lat, state.unit.lon, hospital.lat, hospital.lon, now))
