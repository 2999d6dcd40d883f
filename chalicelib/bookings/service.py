"""Booking use cases: offer a patient to a hospital, its answer, the move to the next option.

Every move is one conditional write on the status read, so an acceptance racing a decline or the
timeout has exactly one winner. Side effects that follow a stored move (messages, the hospital's
information system) never undo it: a failure is recorded on the booking and counted for the alarm.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from chalicelib.bookings import access, logic
from chalicelib.bookings.entities import Booking
from chalicelib.bookings.logic import Status
from chalicelib.bookings.ports import AdmissionWatch, BookingMessages, BookingStore, HospitalSystem, StaleBooking
from chalicelib.bookings.schemas import (
    Accept,
    BookingList,
    BookingRequest,
    BookingView,
    Cancel,
    Decline,
    OrderView,
    ReferralRequest,
)
from chalicelib.bookings.settings import BookingSettings
from chalicelib.core.auth import Principal
from chalicelib.core.config import settings_of
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.observability import count, logger
from chalicelib.hospitals.api import Capability
from chalicelib.hospitals.schemas import HospitalOptions, OptionView
from chalicelib.platform import audit

SCHEMA = 1
_PASSED = (Status.DECLINED, Status.EXPIRED)  # hospitals not offered the same patient again
_HOLDING = (Status.ACCEPTED, Status.ARRIVED)  # the hospitals that have the patient


def create(who: Principal, incident_id: str, req: BookingRequest, now: datetime) -> BookingView:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "booking.create", now)
    record = _create(incident_id, req.hospital_id, req.orders, who.subject, now)
    audit.record(who, f"incident:{incident_id}", "booking.create", f"{record.booking_id} to {record.hospital_id}")
    return _view(record)


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


# -- what ends a booking besides its hospital's answer and the crew's cancel -------------------------


def incident_ended(incident_id: str, why: str, now: datetime) -> int:
    """The incident was cancelled or closed: its open admissions are superseded (the hospitals are told and
    lose the access they held by them). A handed-over patient's booking (arrived) and referrals stay."""
    ended = 0
    for b in _of_incident(incident_id):
        if b.kind != "referral" and Status(b.status) in logic.OPEN:
            ended += _supersede(b, why, now)
    return ended


def incident_closed(incident_id: str) -> None:
    """The workflow's close hook: never raises (the close itself must not fail over bookings)."""
    from chalicelib.core.clock import utcnow

    try:
        incident_ended(incident_id, "the incident ended", utcnow())
    except Exception:
        logger().exception("ending the bookings of a closed incident failed", extra={"incident_id": incident_id})
        count("BookingEndFailed")


def unit_transporting(incident_id: str) -> None:
    """The crew reported transporting: an accepted admission at another hospital than the destination it
    named is superseded. Never raises (the crew's report stands)."""
    from chalicelib.core.clock import utcnow
    from chalicelib.incidents import api as incidents

    try:
        incident = incidents.existing(incident_id, "destination_id", consistent=True)
        if incident.destination_id:
            transporting(incident_id, incident.destination_id, utcnow())
    except Exception:
        logger().exception("superseding bookings on transport failed", extra={"incident_id": incident_id})
        count("BookingEndFailed")


def transporting(incident_id: str, destination_id: str, now: datetime) -> int:
    """The crew takes the patient to `destination_id`: an accepted admission elsewhere is superseded."""
    ended = 0
    for b in _of_incident(incident_id):
        if b.kind != "referral" and b.status == Status.ACCEPTED and b.hospital_id != destination_id:
            ended += _supersede(b, f"the crew is taking the patient to {destination_id}", now)
    return ended


def _supersede_others(record: Booking, now: datetime) -> None:
    """One hospital has the patient: any other open admission of the incident (an offer made in the same
    instant) ends."""
    for b in _of_incident(record.incident_id):
        if b.booking_id != record.booking_id and b.kind != "referral" and Status(b.status) in logic.OPEN:
            _supersede(b, f"{record.hospital_id} accepted the patient", now)


def _supersede(record: Booking, why: str, now: datetime) -> bool:
    """Cancel the booking for `why` (not a person's withdrawal); False when it ended meanwhile."""
    try:
        record = _move(record, "cancel", now, {"cancel_reason": f"superseded: {why}"})
    except (Conflict, StaleBooking):
        return False  # answered or ended in the same instant: its own path did the rest
    access.ended(record, f"superseded: {why}", now)
    _tell_hospital(record, "booking_cancelled", now, reason=f"superseded: {why}", superseded=True)
    count("BookingSuperseded")
    return True


def of_incident(who: Principal, incident_id: str, now: datetime) -> BookingList:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "bookings.read", now)
    return BookingList(incident_id=incident_id, bookings=[_view(r) for r in _of_incident(incident_id)])


def of_incident_records(incident_id: str) -> list[Booking]:
    """Every booking of the incident, oldest first (for the handover, which has checked access)."""
    return _of_incident(incident_id)


def arrive(record: Booking, now: datetime) -> None:
    """The patient is handed over: the booking closes (409 unless it was accepted)."""
    record = _move(record, "arrive", now, {})
    _tell_hospital(record, "patient_arrived", now)


def arrive_by_id(booking_id: str, now: datetime) -> None:
    arrive(_get(booking_id), now)


def send_handover(hospital_id: str, bundle: dict[str, Any]) -> str:
    """The handover bundle to the hospital's information system; a failure is counted, never raised."""
    from chalicelib.bookings.ports import HisNotConnected, HisUnavailable

    try:
        _his().hand_over(hospital_id, bundle)
    except HisNotConnected:
        return "not_connected"
    except HisUnavailable:
        count("HisCallFailed")
        return "failed"
    return "ok"


# -- the offer and the move on ------------------------------------------------------------------


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


# -- what acceptance sets in motion ---------------------------------------------------------------


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


# -- helpers ----------------------------------------------------------------------------------------


def _summary(record: Booking, kind: str, now: datetime) -> dict[str, Any]:
    """What the hospital is told: enough to decide and to prepare, no identity (that comes with the grant)."""
    return {
        "schema": SCHEMA, "type": kind, "booking_id": record.booking_id, "incident_id": record.incident_id,
        "hospital_id": record.hospital_id, "level": record.level, "pathway": record.pathway,
        "required_capabilities": list(record.needs or []), "eta_s": record.eta_s,
        "answer_by": record.answer_by.isoformat(), "orders": [o["code"] for o in record.orders], "at": now.isoformat(),
    }  # fmt: skip


def _tell_hospital(record: Booking, kind: str, now: datetime, **extra: Any) -> None:
    message = {**_summary(record, kind, now), **extra}
    _side_effect("hospital", lambda: _messages().to_hospital(record.hospital_id, message))


def _side_effect(what: str, call: Any) -> None:
    try:
        call()
    except Exception:
        logger().exception("booking side effect failed", extra={"side_effect": what})
        count("BookingNotifyFailed")


def _move(record: Booking, move: str, now: datetime, changes: dict[str, Any]) -> Booking:
    """One conditional write on the status read: the booking as moved, or 409 with the status that won."""
    current = Status(record.status)
    after = logic.check_move(current, move)
    changes = {**changes, "status": after.value}
    if after not in logic.OPEN:
        changes["closed_at"] = now
    moved = _store().set(record, changes, if_status=current.value)
    if moved is None:
        fresh = _get(record.booking_id)
        logic.check_move(Status(fresh.status), move)  # raises 409 with the status that won
        raise StaleBooking(record.booking_id)
    return moved


def _set(record: Booking, changes: dict[str, Any]) -> Booking:
    moved = _store().set(record, changes)
    assert moved is not None  # unconditional
    return moved


def _get(booking_id: str) -> Booking:
    found = _store().get(booking_id)
    if found is None:
        raise NotFound("no such booking", code="booking_not_found")
    return found


def _of_incident(incident_id: str) -> list[Booking]:
    return _store().of_incident(incident_id)


def _hospital_exists(hospital_id: str) -> bool:
    from chalicelib.hospitals import api as hospitals

    return hospitals.find(hospital_id) is not None


def _store() -> BookingStore:
    from chalicelib.bookings.wiring import get_store

    return get_store()


def _answer_s() -> int:
    return settings_of(BookingSettings).booking_answer_s


def _his() -> HospitalSystem:
    from chalicelib.bookings.wiring import his

    return his()


def _messages() -> BookingMessages:
    from chalicelib.bookings.wiring import get_messages

    return get_messages()


def _view(r: Booking, next_booking: str | None = None) -> BookingView:
    return BookingView(
        booking_id=r.booking_id, kind=r.kind, incident_id=r.incident_id, hospital_id=r.hospital_id,
        referred_by=r.referred_by, direction=r.direction, status=r.status,
        rank=int(r.rank) if r.rank is not None else None, qualified=r.qualified == "yes",
        level=int(r.level) if r.level is not None else None, pathway=r.pathway,
        required_capabilities=[Capability(c) for c in r.needs or []],
        eta_s=int(r.eta_s) if r.eta_s is not None else None, created_at=r.created_at, answer_by=r.answer_by,
        answered_at=r.answered_at, decline_reason=r.decline_reason, registration_no=r.registration_no,
        payment_status=r.payment_status, his_status=r.his_status,
        orders=[OrderView.model_validate(o) for o in r.orders or []], teams=list(r.teams or []),
        next_booking_id=next_booking,
    )  # fmt: skip


def incident_of(booking_id: str) -> str | None:
    return _store().incident_of(booking_id)
