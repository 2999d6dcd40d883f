"""A consultation as the use cases see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Participants = list[dict[str, Any]]  # [{"subject", "role", "hospital_id", "joined_at", "left_at"}]


@dataclass(frozen=True)
class Consultation:
    consultation_id: str
    incident_id: str
    hospital_id: str | None  # whose experts are asked
    specialties: list[str]
    question: str | None
    requested_by: str
    requested_at: datetime
    status: str  # open, closed
    room: dict[str, str]  # {"provider", "room_id", "name"}
    participants: Participants = field(default_factory=list)
    outcome: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    # What the consulted hospital's access rides on: the booking that has the patient (`booking:BK..`,
    # ending with it) or the consultation's own grant (`consultation:CS..`).
    access_basis: str | None = None


@dataclass(frozen=True)
class Holding:
    """A booking by which a hospital has the patient: the consultation may ride on its basis."""

    hospital_id: str
    basis: str
