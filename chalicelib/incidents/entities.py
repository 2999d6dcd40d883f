"""What the incidents domain stores: one incident per emergency, one call per caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.core.model import Model
from chalicelib.core.ratelimit import SlidingWindow


class Symptom(StrEnum):
    CARDIAC_ARREST = "cardiac_arrest"
    UNCONSCIOUS = "unconscious"
    CHEST_PAIN = "chest_pain"
    STROKE_SIGNS = "stroke_signs"
    BREATHING = "breathing"
    TRAUMA = "trauma"
    BLEEDING = "bleeding"
    PREGNANCY = "pregnancy"
    NEWBORN = "newborn"
    OTHER = "other"


class Confidence(StrEnum):
    ADDRESS = "address"  # a registry address: exact door
    DEVICE = "device"  # the phone's own fix: lower confidence, the dispatcher confirms


class Location(Model):
    address_code: str | None
    text: str | None
    lat: float
    lon: float
    county: str
    confidence: Confidence
    accuracy_m: float | None = None


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


@dataclass(frozen=True)
class IncidentState:
    """An incident as other domains see it (see `incidents.api`). A projected read fills the
    identity (id, county, status, creation, workflow) and the fields asked for; the others keep
    their empty defaults."""

    incident_id: str
    county: str
    status: str
    created_at: datetime
    workflow: str = "pending"
    location: dict[str, Any] = field(default_factory=dict)
    symptoms: frozenset[str] = frozenset()
    attention: str | None = None  # why the workflow handed the incident to a human
    # Dispatch: what the incident needs, where it waits, which unit it got and why.
    needs: str = "ALS"  # a unit type; triage refines it
    dispatch_level: str | None = None
    waiting_since: datetime | None = None
    wait_token: str | None = None
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    recommended_at: datetime | None = None
    search_note: str | None = None
    unit_id: str | None = None
    assigned_at: datetime | None = None
    assigned_by: str | None = None
    notified_at: datetime | None = None
    destination_id: str | None = None
    # The latest assessment's outcome.
    triage_level: int | None = None
    pathway: str | None = None
    required_capabilities: frozenset[str] = frozenset()
    patient_key: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class Recommendations:
    """A dispatch search's outcome kept on the incident: the top candidates with reasons, the level
    searched and a note on how it went (e.g. "ETA from the model: routing timed out")."""

    recommendations: list[dict[str, Any]]
    level: str
    note: str | None = None


@dataclass(frozen=True)
class FloodLimits:
    """The app's own flood check on calls, in memory (no I/O on the intake path).

    A token is verified before anything is counted (an HMAC, microseconds), so a forged or
    damaged token never spends a genuine door's budget: genuine scans count per client and door,
    refused tokens per client in a budget of their own, and device calls per client.
    """

    # A household may share one address (NAT): generous, yet far below a flood.
    scans: SlidingWindow = field(default_factory=lambda: SlidingWindow(limit=10, window_s=60))
    refused: SlidingWindow = field(default_factory=lambda: SlidingWindow(limit=20, window_s=60))
    devices: SlidingWindow = field(default_factory=lambda: SlidingWindow(limit=10, window_s=60))
