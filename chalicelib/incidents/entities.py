"""What the incidents domain stores: one incident per emergency, one call per caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.incidents.models import Location, Symptom

# The incident follows its unit: assigned -> en_route -> ... -> closed when the unit is free again.
OPEN_STATUSES = frozenset({"received", "waiting", "assigned", "en_route", "on_scene", "transporting", "at_hospital"})
CLOSED_STATUSES = frozenset({"closed", "cancelled"})


@dataclass
class Incident:
    incident_id: str
    county: str
    status: str
    location: Location
    symptoms: list[Symptom]
    created_at: datetime
    source: str
    calls: int = 1
    workflow: str = "pending"  # "started" once the call-to-admission execution registered it

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass
class Call:
    call_id: str
    incident_id: str
    channel: str  # "qr" | "device" | "phone"
    created_at: datetime
    location: Location
    phone: str | None = None
    symptoms: list[Symptom] = field(default_factory=list)
    note: str | None = None
    linked: bool = False
