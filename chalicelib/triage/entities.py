"""What the triage domain stores: every assessment of an incident's patient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Assessment:
    incident_id: str
    assessment_id: str
    assessed_at: datetime
    by: str  # the principal's subject, or "telemetry" for a re-triage from the monitor
    role: str  # "device" for the monitor's
    level: int
    pathway: str | None
    source: dict[str, Any]  # the vitals and findings as assessed
    result: dict[str, Any]  # the triage result as returned

    @property
    def by_person(self) -> bool:
        return self.role != "device"
