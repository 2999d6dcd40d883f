"""A stored handover: the bundle the receiving hospital may fetch again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Handover:
    incident_id: str
    booking_id: str
    hospital_id: str
    unit_id: str | None
    handed_over_at: datetime
    handed_over_by: str
    bundle: dict[str, Any]
    his_status: str | None  # ok, failed, not_connected
    expires_at: datetime
