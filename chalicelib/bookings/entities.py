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
