"""Certified first-aiders and their cardiac-arrest alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class VolunteerTier(StrEnum):
    PUBLIC = "public"  # trained member of the public
    REGISTERED = "registered"  # certified first-aider (救护员证) registered with the platform
    PROFESSIONAL = "professional"  # off-duty doctor, nurse or paramedic


class Volunteer(BaseModel):
    model_config = ConfigDict(frozen=True)

    volunteer_id: str
    # PII: SecretStr keeps name and phone out of repr, logs and JSON dumps by default.
    name: SecretStr
    phone: SecretStr
    tier: VolunteerTier
    cert_no: str
    cert_expiry: date
    on_duty: bool
    county: str = Field(pattern=r"^\d{6}$")
    # The last position the app reported while on duty: dropped when the volunteer goes off duty,
    # and too old to alert on after the position TTL (settings.volunteer_position_ttl_s).
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    located_at: datetime | None = None

    def certified_on(self, day: date) -> bool:
        return self.cert_expiry >= day


@dataclass(frozen=True)
class Candidate:
    """An on-duty volunteer as the `on-duty-by-cell` index shows them: no name, no phone."""

    volunteer_id: str
    tier: VolunteerTier
    cert_expiry: date
    lat: float
    lon: float
    located_at: datetime | None
    engaged: str | None = None  # the incident they accepted and have not finished
    engaged_at: datetime | None = None


class PlaceKind(StrEnum):
    HOME = "home"  # located by a doorplate: someone's home
    PUBLIC = "public"  # a street, a shop, a station: located by the caller's phone or a dispatcher


class AlertKind(StrEnum):
    RESPONDER = "responder"  # a volunteer near the patient
    KEEPER = "keeper"  # someone who keeps the AED chosen for the patient (its owner's staff)


class AlertStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # no answer in time: the alert passed to the next nearest
    CANCELLED = "cancelled"  # stood down: unsafe scene, job closed, ambulance there first
    DONE = "done"


OPEN_ALERTS = (AlertStatus.OFFERED, AlertStatus.ACCEPTED)


class ResponderNode(StrEnum):
    """What an accepted volunteer reports on the way: time nodes of the incident."""

    EN_ROUTE = "en_route"
    AED_FETCHED = "aed_fetched"
    ON_SCENE = "on_scene"
    CPR_STARTED = "cpr_started"
    AED_ATTACHED = "aed_attached"
    HANDED_TO_CREW = "handed_to_crew"


@dataclass(frozen=True)
class AlertRound:
    """One arrest's alerting: what volunteers may be told (never read from the incident again), the radius
    and place kind the alerts used, the dispatcher's unsafe-scene flag, and how it ended."""

    incident_id: str
    county: str
    lat: float
    lon: float
    address: str | None  # shown to a volunteer once they accept
    place: str  # PlaceKind
    radius_m: float
    started_at: datetime
    aed: dict[str, Any] | None = None  # the usable AED nearest the patient within 200 m, if any
    generation: int = 0  # the alerting execution that owns the round (ADR 0009)
    unsafe: bool = False
    unsafe_note: str | None = None
    ended_at: datetime | None = None
    ended_reason: str | None = None


@dataclass(frozen=True)
class Alert:
    """One volunteer's alert for one arrest, with the time nodes they reported (the first report stands)."""

    incident_id: str
    volunteer_id: str
    status: str  # AlertStatus
    rank: int  # 1 = nearest when alerted (0: the AED's keeper)
    distance_m: float
    offered_at: datetime
    answer_by: datetime
    kind: str = "responder"  # AlertKind
    answered_at: datetime | None = None
    bring_aed: bool = False
    reason: str | None = None  # why it was cancelled
    en_route_at: datetime | None = None
    aed_fetched_at: datetime | None = None
    on_scene_at: datetime | None = None
    cpr_started_at: datetime | None = None
    aed_attached_at: datetime | None = None
    handed_to_crew_at: datetime | None = None
