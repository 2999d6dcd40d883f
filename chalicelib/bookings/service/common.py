"""What every booking use case shares: the store, the conditional move, the messages, the view; and
the reads other use cases and domains make (an incident's bookings, the handover's close)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.bookings import logic
from chalicelib.bookings.entities import Booking
from chalicelib.bookings.logic import Status
from chalicelib.bookings.ports import BookingMessages, BookingStore, HospitalSystem, StaleBooking
from chalicelib.bookings.schemas import BookingList, BookingView, OrderView
from chalicelib.bookings.settings import BookingSettings
from chalicelib.core.auth import Principal
from chalicelib.core.config import settings_of
from chalicelib.core.errors import NotFound
from chalicelib.core.observability import count, logger
from chalicelib.hospitals.api import Capability

SCHEMA = 1
_PASSED = (Status.DECLINED, Status.EXPIRED)  # hospitals not offered the same patient again
_HOLDING = (Status.ACCEPTED, Status.ARRIVED)  # the hospitals that have the patient


def of_incident(who: Principal, incident_id: str, now: datetime) -> BookingList:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "bookings.read", now)
    return BookingList(incident_id=incident_id, bookings=[_view(r) for r in _of_incident(incident_id)])


def of_incident_records(incident_id: str) -> list[Booking]:
    """Every booking of the incident, oldest first (for the handover, which has checked access)."""
    return _of_incident(incident_id)


def incident_of(booking_id: str) -> str | None:
    return _store().incident_of(booking_id)


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
