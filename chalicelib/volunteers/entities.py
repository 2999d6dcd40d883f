"""Certified first-aiders and their cardiac-arrest alerts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

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
