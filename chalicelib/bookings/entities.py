"""What other domains see of a booking (never its record)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class HeldBooking:
    """A booking by which its hospital has the patient (accepted or arrived)."""

    booking_id: str
    hospital_id: str
    kind: str  # admission or referral
    basis: str  # the reason the hospital's grant lives by (`booking:BK..`, `referral:RF..`)


@dataclass(frozen=True)
class AcceptedBooking:
    """The admission a handover closes: its hospital, unit and pre-orders."""

    booking_id: str
    hospital_id: str
    unit_id: str | None
    answered_at: datetime | None
    orders: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Booking:
    """One offer of a patient to a hospital, as the use cases see it (`bookings.dal` stores it)."""

    booking_id: str
    incident_id: str
    hospital_id: str
    county: str
    status: str
    created_at: datetime
    created_by: str
    answer_by: datetime
    unit_id: str | None = None
    kind: str = "admission"  # admission (from the ambulance) or referral (hospital to hospital)
    referred_by: str | None = None  # referral: the hospital that refers
    direction: str | None = None  # referral: up (to more capable care) or down
    referral_reason: str | None = None
    rank: int | None = None  # the option's rank when offered (None: chosen by hand)
    qualified: str = "yes"  # "no" when a person chose an unqualified hospital
    level: int | None = None
    pathway: str | None = None
    needs: list[str] = field(default_factory=list)  # required capabilities
    eta_s: int | None = None  # travel time when offered
    answered_at: datetime | None = None
    answered_by: str | None = None
    decline_reason: str | None = None
    decline_note: str | None = None
    orders: list[dict[str, Any]] = field(default_factory=list)  # [{"order_id", "code", "status", "his_id"}]
    teams: list[str] = field(default_factory=list)  # green-channel teams called on acceptance
    registration_no: str | None = None
    payment_status: str | None = None  # pending, paid, waived (registration fee)
    his_status: str | None = None  # ok, failed, not_connected
    his_error: str | None = None
    closed_at: datetime | None = None
    cancel_reason: str | None = None  # "superseded: ..." when something else ended it
