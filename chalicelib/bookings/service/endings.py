"""What ends a booking besides its hospital's answer and the crew's cancel: the incident ending, the
crew taking the patient elsewhere, another hospital accepting."""

from __future__ import annotations

from datetime import datetime

from chalicelib.bookings import access, logic
from chalicelib.bookings.entities import Booking
from chalicelib.bookings.logic import Status
from chalicelib.bookings.ports import StaleBooking
from chalicelib.bookings.service.common import _move, _of_incident, _tell_hospital
from chalicelib.core.errors import Conflict
from chalicelib.core.observability import count, logger


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
