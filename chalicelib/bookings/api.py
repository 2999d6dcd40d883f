"""What other domains may ask of bookings: the admissions of an incident (for the workflow, the
handover and consultations), the handover's close of its booking and its bundle to the hospital's
information system, the hospital's inbound topic, and the workflow's hooks. Never a record."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.bookings.entities import AcceptedBooking, HeldBooking
from chalicelib.bookings.logic import inbound_topic

__all__ = [
    "AcceptedBooking",
    "HeldBooking",
    "accepted_admission",
    "arrive",
    "has_admission",
    "holding",
    "inbound_topic",
    "incident_closed",
    "notify_hospital",
    "send_handover",
    "unit_transporting",
]

_HOLDING = ("accepted", "arrived")


def holding(incident_id: str) -> list[HeldBooking]:
    """The incident's bookings by which their hospital has the patient, oldest first (referrals included)."""
    from chalicelib.bookings import service
    from chalicelib.bookings.logic import basis_of

    return [
        HeldBooking(b.booking_id, b.hospital_id, b.kind or "admission", basis_of(b.kind, b.booking_id))
        for b in service.of_incident_records(incident_id)
        if b.status in _HOLDING
    ]


def has_admission(incident_id: str, statuses: Iterable[str]) -> bool:
    """Whether an admission (not a referral) of the incident is in one of `statuses`."""
    from chalicelib.bookings import service

    wanted = set(statuses)
    return any(b.status in wanted and b.kind != "referral" for b in service.of_incident_records(incident_id))


def accepted_admission(incident_id: str) -> AcceptedBooking | None:
    """The incident's first accepted booking (the one a handover closes), or None."""
    from chalicelib.bookings import service

    b = next((b for b in service.of_incident_records(incident_id) if b.status == "accepted"), None)
    if b is None:
        return None
    return AcceptedBooking(b.booking_id, b.hospital_id, b.unit_id, b.answered_at, [dict(o) for o in b.orders or []])


def arrive(booking_id: str, now: datetime) -> None:
    """The patient is handed over: the booking closes (409 unless it is accepted) and the hospital is told."""
    from chalicelib.bookings import service

    service.arrive_by_id(booking_id, now)


def send_handover(hospital_id: str, bundle: dict[str, Any]) -> str:
    """Deliver the handover bundle to the hospital's information system: `ok`, `not_connected` or `failed`."""
    from chalicelib.bookings import service

    return service.send_handover(hospital_id, bundle)


def incident_closed(incident_id: str) -> None:
    """The workflow's close hook: open admissions end (never raises)."""
    from chalicelib.bookings import service

    service.incident_closed(incident_id)


def unit_transporting(incident_id: str) -> None:
    """The crew reported transporting: an accepted admission elsewhere ends (never raises)."""
    from chalicelib.bookings import service

    service.unit_transporting(incident_id)


def notify_hospital(hospital_id: str, message: dict[str, Any]) -> None:
    """Publish on the hospital's inbound topic (the emergency department's board)."""
    from chalicelib.bookings.wiring import get_messages

    get_messages().to_hospital(hospital_id, message)
