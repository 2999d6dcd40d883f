"""The hospital's answer (accept, decline, no answer in time), the crew's cancel, and where the
incident's admission stands for the workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.bookings import access, logic
from chalicelib.bookings.entities import Booking
from chalicelib.bookings.logic import Status
from chalicelib.bookings.ports import AdmissionWatch
from chalicelib.bookings.schemas import Accept, BookingView, Cancel, Decline
from chalicelib.bookings.service.common import (
    _HOLDING,
    SCHEMA,
    _get,
    _his,
    _messages,
    _move,
    _of_incident,
    _set,
    _side_effect,
    _summary,
    _tell_hospital,
    _view,
)
from chalicelib.bookings.service.endings import _supersede_others
from chalicelib.bookings.service.offers import _after_no, _create
from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict
from chalicelib.core.observability import count
from chalicelib.hospitals.api import Capability
from chalicelib.platform import audit


def workflow_state(incident_id: str, now: datetime, *, offer: bool) -> dict[str, Any]:
    """Where the incident's admission stands, for the workflow: accepted, waiting (with the seconds left of
    the open offer) or exhausted. With `offer`, the top option is offered when nothing is open yet; an
    offer past its time is expired and the next one offered."""
    for _ in range(3):
        admissions = [b for b in _of_incident(incident_id) if b.kind != "referral"]
        if any(b.status in _HOLDING for b in admissions):
            return {"state": "accepted", "answer_s": 1}
        open_offer = next((b for b in admissions if b.status == Status.OFFERED), None)
        if open_offer is not None:
            if now < open_offer.answer_by:
                return {"state": "waiting", "answer_s": max(1, int((open_offer.answer_by - now).total_seconds()) + 1),
                        "booking_id": open_offer.booking_id}  # fmt: skip
            expire(open_offer.booking_id, now)  # offers the next option, or tells the desk there is none
            continue
        if not offer:
            return {"state": "exhausted", "answer_s": 1}
        try:
            _create(incident_id, None, [], "workflow", now)
        except Conflict:
            return {"state": "exhausted", "answer_s": 1}
        offer = False  # one offer of our own; after that only what the crew or the move-on made
    return {"state": "exhausted", "answer_s": 1}


def accept(who: Principal, booking_id: str, body: Accept, now: datetime, watch: AdmissionWatch) -> BookingView:
    record = _get(booking_id)
    who.require_scope("hospital", record.hospital_id)
    record = _move(record, "accept", now, {"answered_at": now, "answered_by": who.subject})
    audit.record(who, f"incident:{record.incident_id}", "booking.accept", record.booking_id)
    access.grant(record, now)
    if record.kind != "referral":
        _supersede_others(record, now)
    record = _green_channel(record, now)  # the teams are called first: they must not wait on the hospital's system
    record = _register(record, now)
    _tell_crew(record, now)
    if record.kind != "referral":
        watch.accepted(record.incident_id, record.booking_id)
    if record.kind == "referral" and record.referred_by:
        message = {**_summary(record, "referral_accepted", now), "referred_to": record.hospital_id,
                   "registration_no": record.registration_no}  # fmt: skip
        referrer = record.referred_by
        _side_effect("referrer", lambda: _messages().to_hospital(referrer, message))
    return _view(record)


def decline(who: Principal, booking_id: str, body: Decline, now: datetime) -> BookingView:
    record = _get(booking_id)
    who.require_scope("hospital", record.hospital_id)
    changes: dict[str, Any] = {"answered_at": now, "answered_by": who.subject, "decline_reason": body.reason.value}
    if body.note:
        changes["decline_note"] = body.note
    record = _move(record, "decline", now, changes)
    audit.record(who, f"incident:{record.incident_id}", "booking.decline", f"{record.booking_id}: {body.reason}")
    access.ended(record, f"declined ({body.reason.value})", now)
    return _view(record, next_booking=_after_no(record, now))


def expire(booking_id: str, now: datetime) -> BookingView | None:
    """No answer in time (the workflow's timer): the offer lapses and the next option is offered.

    None when the booking was answered meanwhile, or its time has not come: nothing to do.
    """
    record = _get(booking_id)
    if record.status != Status.OFFERED or now < record.answer_by:
        return None
    try:
        record = _move(record, "expire", now, {})
    except Conflict:
        return None  # answered in the same instant: the answer stands
    count("BookingExpired")
    access.ended(record, "no answer in time", now)
    return _view(record, next_booking=_after_no(record, now))


def cancel(who: Principal, booking_id: str, body: Cancel, now: datetime) -> BookingView:
    from chalicelib.healthaccess.api import open_record

    record = _get(booking_id)
    open_record(who, record.incident_id, "booking.cancel", now, body.reason)
    was = Status(record.status)
    record = _move(record, "cancel", now, {"cancel_reason": body.reason})
    access.ended(record, f"cancelled: {body.reason}", now)
    if was is Status.ACCEPTED or was is Status.OFFERED:
        _tell_hospital(record, "booking_cancelled", now, reason=body.reason)
    return _view(record)


def _register(record: Booking, now: datetime) -> Booking:
    """Pre-registration and pre-orders in the hospital's information system; a failure is recorded, not raised."""
    from chalicelib.bookings.ports import HisNotConnected, HisUnavailable

    summary = _summary(record, "booking_accepted", now)
    orders = [dict(o, status="active") for o in record.orders]
    changes: dict[str, Any] = {}
    try:
        reg = _his().register(record.hospital_id, summary)
        ids = _his().order(record.hospital_id, summary, orders)
        orders = [dict(o, his_id=i) for o, i in zip(orders, ids, strict=True)]
        changes |= {"registration_no": reg.registration_no, "payment_status": reg.payment_status, "his_status": "ok"}
    except HisNotConnected:
        changes["his_status"] = "not_connected"
    except HisUnavailable as exc:
        count("HisCallFailed")
        changes |= {"his_status": "failed", "his_error": exc.reason[:200]}
    changes["orders"] = orders
    return _set(record, changes)


def _green_channel(record: Booking, now: datetime) -> Booking:
    teams = logic.teams_for(record.pathway, [Capability(c) for c in record.needs or []])
    record = _set(record, {"teams": teams})
    _tell_hospital(record, "green_channel", now, teams=teams)
    return record


def _tell_crew(record: Booking, now: datetime) -> None:
    if record.unit_id:
        message = {"schema": SCHEMA, "type": "booking_accepted", "incident_id": record.incident_id,
                   "booking_id": record.booking_id, "hospital_id": record.hospital_id,
                   "registration_no": record.registration_no, "at": now.isoformat()}  # fmt: skip
        unit_id = record.unit_id
        _side_effect("crew", lambda: _messages().to_crew(unit_id, message))
