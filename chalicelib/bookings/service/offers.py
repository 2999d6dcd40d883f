"""Offering the patient: to the top option or a chosen hospital, a referral between hospitals, and the
move on to the next option after a decline or a lapsed offer."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from chalicelib.bookings import logic
from chalicelib.bookings.entities import Booking
from chalicelib.bookings.logic import Status
from chalicelib.bookings.schemas import BookingRequest, BookingView, ReferralRequest
from chalicelib.bookings.service.common import (
    _HOLDING,
    _PASSED,
    SCHEMA,
    _answer_s,
    _his,
    _hospital_exists,
    _messages,
    _of_incident,
    _side_effect,
    _store,
    _summary,
    _tell_hospital,
    _view,
)
from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, Forbidden, ValidationFailed
from chalicelib.core.observability import count, logger
from chalicelib.hospitals.api import Capability
from chalicelib.hospitals.schemas import HospitalOptions, OptionView
from chalicelib.platform import audit


def create(who: Principal, incident_id: str, req: BookingRequest, now: datetime) -> BookingView:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "booking.create", now)
    record = _create(incident_id, req.hospital_id, req.orders, who.subject, now)
    audit.record(who, f"incident:{incident_id}", "booking.create", f"{record.booking_id} to {record.hospital_id}")
    return _view(record)


def _create(incident_id: str, hospital_id: str | None, asked: list[logic.PreOrder], by: str, now: datetime) -> Booking:
    earlier = _of_incident(incident_id)
    if any(b.kind != "referral" and Status(b.status) in logic.OPEN for b in earlier):
        raise Conflict("the incident has an open booking: cancel it first", code="booking_open")
    options = _options(incident_id, now)
    if hospital_id is None:
        tried = {b.hospital_id for b in earlier if b.status in _PASSED}
        choice = next((o for o in options.options if o.hospital_id not in tried), None)
        if choice is None:
            raise Conflict("no hospital option is left to offer", code="no_hospital_option")
    else:
        choice = next((o for o in options.options if o.hospital_id == hospital_id), None)
        if choice is None and not _hospital_exists(hospital_id):
            raise ValidationFailed("no such hospital", code="unknown_hospital",
                                   details=[{"field": "hospital_id", "message": "no such hospital"}])  # fmt: skip
    return _offer(incident_id, options, choice, hospital_id, asked, by, now)


def refer(who: Principal, incident_id: str, req: ReferralRequest, now: datetime) -> BookingView:
    """A hospital that has the patient refers them to another, up or down; the other accepts or declines."""
    from chalicelib.healthaccess.api import open_record
    from chalicelib.hospitals import api as hospitals
    from chalicelib.incidents import api as incidents

    open_record(who, incident_id, "referral.create", now, f"to {req.to_hospital_id}: {req.reason}")
    earlier = _of_incident(incident_id)
    mine = who.scope_ids("hospital")
    holding = [b.hospital_id for b in earlier if b.hospital_id in mine and b.status in _HOLDING]
    if not holding:
        raise Forbidden("only a hospital that accepted the patient refers them", code="not_receiving_hospital")
    if req.to_hospital_id in holding:
        raise ValidationFailed("a hospital cannot refer to itself", code="same_hospital",
                               details=[{"field": "to_hospital_id", "message": "the referring hospital"}])  # fmt: skip
    target = hospitals.find(req.to_hospital_id)
    if target is None:
        raise ValidationFailed("no such hospital", code="unknown_hospital",
                               details=[{"field": "to_hospital_id", "message": "no such hospital"}])  # fmt: skip
    if any(b.kind == "referral" and Status(b.status) in logic.OPEN for b in earlier):
        raise Conflict("the incident has an open referral", code="referral_open")
    incident = incidents.existing(incident_id, "triage_level", "pathway", "required_capabilities")
    needs = sorted(incident.required_capabilities or ())
    booking_id = f"RF{now:%Y%m%d%H%M%S}{secrets.token_hex(3)}"
    orders = [{"order_id": f"{booking_id}-{i + 1}", "code": code.value, "status": "draft", "his_id": None}
              for i, code in enumerate(req.orders)]  # fmt: skip
    record = Booking(
        booking_id, incident_id=incident_id, hospital_id=target.hospital_id, county=incident.county, unit_id=None,
        status=Status.OFFERED.value, kind="referral", referred_by=holding[0], direction=req.direction,
        referral_reason=req.reason, rank=None,
        qualified="yes" if {Capability(c) for c in needs} <= target.capabilities else "no",
        level=incident.triage_level, pathway=incident.pathway, needs=needs, eta_s=None, created_at=now,
        created_by=who.subject, answer_by=now + timedelta(seconds=_answer_s()), orders=orders, teams=[],
    )  # fmt: skip
    _store().add(record)
    summary = _summary(record, "referral_offered", now)
    _side_effect("propose", lambda: _his().propose(target.hospital_id, summary))
    _tell_hospital(record, "referral_offered", now, referred_by=holding[0], direction=req.direction)
    return _view(record)


def _options(incident_id: str, now: datetime) -> HospitalOptions:
    from chalicelib.hospitals.api import options_for

    return options_for(incident_id, now)


def _offer(
    incident_id: str,
    options: HospitalOptions,
    choice: OptionView | None,
    hospital_id: str | None,
    asked: list[logic.PreOrder],
    by: str,
    now: datetime,
) -> Booking:
    from chalicelib.incidents import api as incidents

    target = choice.hospital_id if choice else hospital_id
    assert target is not None
    incident = incidents.existing(incident_id, "unit_id")
    booking_id = f"BK{now:%Y%m%d%H%M%S}{secrets.token_hex(3)}"
    orders = [{"order_id": f"{booking_id}-{i + 1}", "code": code.value, "status": "draft", "his_id": None}
              for i, code in enumerate(logic.orders_for(options.pathway, asked))]  # fmt: skip
    record = Booking(
        booking_id, incident_id=incident_id, hospital_id=target, county=incident.county, unit_id=incident.unit_id,
        status=Status.OFFERED.value, rank=choice.rank if choice and hospital_id is None else None,
        qualified="yes" if choice is not None and choice.kind == "qualified" else "no",
        level=options.level, pathway=options.pathway, needs=[c.value for c in options.required_capabilities],
        eta_s=choice.eta_s if choice else None, created_at=now, created_by=by,
        answer_by=now + timedelta(seconds=_answer_s()), orders=orders, teams=[],
    )  # fmt: skip
    _store().add(record)
    message = _summary(record, "booking_offered", now)
    _side_effect("propose", lambda: _his().propose(target, message))
    _tell_hospital(record, "booking_offered", now)
    return record


def _after_no(record: Booking, now: datetime) -> str | None:
    """A declined or lapsed admission moves on by itself; a referral goes back to the referring hospital."""
    if record.kind != "referral":
        return _move_on(record, now)
    if record.referred_by:
        message = {**_summary(record, f"referral_{record.status}", now), "referred_to": record.hospital_id}
        referrer = record.referred_by
        _side_effect("referrer", lambda: _messages().to_hospital(referrer, message))
    return None


def _move_on(record: Booking, now: datetime) -> str | None:
    """Offer the next option after a decline or a timeout; tell the desk when none is left."""
    try:
        options = _options(record.incident_id, now)
        tried = {
            b.hospital_id for b in _of_incident(record.incident_id) if b.status in (Status.DECLINED, Status.EXPIRED)
        }
        choice = next((o for o in options.options if o.hospital_id not in tried), None)
        if choice is None:
            count("BookingExhausted")
            message = {"schema": SCHEMA, "type": "no_hospital_accepted", "incident_id": record.incident_id,
                       "county": record.county, "at": now.isoformat()}  # fmt: skip
            _side_effect("desk", lambda: _messages().to_desk(record.county, message))
            return None
        orders = [logic.PreOrder(o["code"]) for o in record.orders]
        return _offer(record.incident_id, options, choice, None, orders, "system", now).booking_id
    except Exception:  # the decline itself is stored; the desk sees the incident without a booking
        logger().exception("moving on to the next hospital failed", extra={"booking_id": record.booking_id})
        count("BookingMoveOnFailed")
        return None
