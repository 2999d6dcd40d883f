"""Side effects of bookings: the hospital's information system, and the messages a booking sends."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.bookings.entities import Booking


class HisUnavailable(Exception):
    """The hospital information system did not answer usefully (after retries); `reason` says how."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class HisNotConnected(Exception):
    """This hospital has no information-system endpoint configured."""


@dataclass(frozen=True)
class Registration:
    registration_no: str
    payment_status: str  # pending, paid, waived
    appointment_id: str | None = None


class HospitalSystem(ABC):
    """A hospital's information system (HIS), reached over FHIR R4."""

    @abstractmethod
    def propose(self, hospital_id: str, booking: dict[str, Any]) -> None:
        """Tell the HIS a patient is offered (Appointment, status proposed)."""

    @abstractmethod
    def register(self, hospital_id: str, booking: dict[str, Any]) -> Registration:
        """Pre-register the accepted patient (Appointment booked): the registration number and fee status."""

    @abstractmethod
    def order(self, hospital_id: str, booking: dict[str, Any], orders: list[dict[str, Any]]) -> list[str]:
        """Place the pre-orders (one ServiceRequest each); returns the HIS ids in the same order."""

    @abstractmethod
    def hand_over(self, hospital_id: str, bundle: dict[str, Any]) -> None:
        """Deliver the handover Bundle (FHIR R4 collection) to the hospital's record."""


class BookingMessages(ABC):
    @abstractmethod
    def to_hospital(self, hospital_id: str, message: dict[str, Any]) -> None:
        """The hospital's inbound topic: offers, acceptances, ETA, green-channel calls."""

    @abstractmethod
    def to_crew(self, unit_id: str, message: dict[str, Any]) -> None: ...

    @abstractmethod
    def to_desk(self, county: str, message: dict[str, Any]) -> None:
        """The county desk: an incident no hospital accepted."""


class AdmissionWatch(ABC):
    """Whoever waits for a hospital to accept the patient: the call-to-admission workflow."""

    @abstractmethod
    def accepted(self, incident_id: str, booking_id: str) -> None:
        """A hospital accepted the incident's admission (never raises: the acceptance stands)."""


class StaleBooking(Exception):
    """The booking's status changed since it was read, and the move still looks allowed: read it again."""


class BookingStore(ABC):
    @abstractmethod
    def add(self, booking: Booking) -> None:
        """Store a new booking (a fresh id: a second one with the same id is refused)."""

    @abstractmethod
    def get(self, booking_id: str) -> Booking | None:
        """The booking read consistently, or None."""

    @abstractmethod
    def of_incident(self, incident_id: str) -> list[Booking]:
        """The incident's bookings, oldest first."""

    @abstractmethod
    def of_hospital_since(self, hospital_id: str, since: datetime) -> list[Booking]:
        """The hospital's bookings created at or after `since`, oldest first."""

    @abstractmethod
    def set(self, booking: Booking, changes: dict[str, Any], *, if_status: str | None = None) -> Booking | None:
        """Write `changes` (field -> value; None removes), conditional on the status still being
        `if_status` when given: the booking as stored after the write, or None when the condition failed."""

    @abstractmethod
    def incident_of(self, booking_id: str) -> str | None: ...
