"""The incident's scene video room as the cpr domain keeps it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SceneRoom:
    incident_id: str
    status: str  # open, closed
    room: dict[str, str]  # {"provider", "room_id", "name"}: the video provider's room
    opened_at: datetime
    opened_by: str  # call:<call_id> or a staff subject
    participants: list[dict[str, Any]] = field(default_factory=list)  # subject, kind, role, hospital_id, joined_at
    closed_at: datetime | None = None
