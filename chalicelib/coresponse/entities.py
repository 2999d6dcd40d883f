"""What co-response position sharing stores and decides on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chalicelib.incidents.entities import CLOSED_STATUSES


@dataclass(frozen=True)
class IncidentFacts:
    """The little of an incident that decides who may share a position on it: no location, no calls."""

    incident_id: str
    county: str
    status: str
    symptoms: tuple[str, ...]

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


@dataclass(frozen=True)
class ResponderPosition:
    """A co-responder's latest fix on one incident."""

    incident_id: str
    responder_id: str  # the token's subject: one row per responder and incident
    agency: str
    callsign: str
    lat: float
    lon: float
    at: datetime
    received_at: datetime
    accuracy_m: float | None = None
    heading: float | None = None
    speed: float | None = None
    started_at: datetime | None = None  # the first fix of this responder on this incident


class Saved(StrEnum):
    STARTED = "started"  # the responder's first fix on the incident
    UPDATED = "updated"
    STALE = "stale"  # a newer fix is already stored: a late or repeated report, nothing written
