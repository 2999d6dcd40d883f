"""Edge contract of call intake: calls from residents, incidents taken by dispatchers."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field, field_validator

from chalicelib.core.bounds import Latitude, Longitude, Measure
from chalicelib.core.model import Model
from chalicelib.incidents.entities import Confidence, Location, Symptom

__all__ = ["Confidence", "Location", "Symptom"]  # the domain's own types, on the edge too


PHONE = r"^\+?[0-9]{5,15}$"


_SEPARATORS = str.maketrans("", "", " -().\u00a0")


def normalise_phone(value: object) -> object:
    """One spelling per number (no spaces, dashes, dots or brackets), so masking and matching work.

    Only separators go: letters or anything else stay, so the pattern refuses them (a number with
    letters in it is a mistake to show, not a number to guess). A value that is not a string is left
    for the model to refuse."""
    if not isinstance(value, str):
        return value
    return value.translate(_SEPARATORS)


class DeviceLocation(Model):
    lat: Latitude
    lon: Longitude
    accuracy_m: Measure | None = Field(None, ge=0, le=100_000)


class CallRequest(Model):
    """POST /v1/calls: a QR scan (normal case) or, without one, the phone's location."""

    model_config = ConfigDict(extra="forbid")

    qr_token: str | None = Field(None, min_length=10, max_length=1024)
    location: DeviceLocation | None = None
    phone: str | None = Field(None, pattern=PHONE)
    symptoms: list[Symptom] = Field(default_factory=list, max_length=10)
    note: str | None = Field(None, max_length=500)

    _phone = field_validator("phone", mode="before")(normalise_phone)


class PublicLocation(Model):
    address_code: str | None
    text: str | None
    lat: float
    lon: float
    confidence: Confidence


class CallCreated(Model):
    call_id: str
    incident_id: str
    caller_token: str
    status: str
    linked: bool = Field(description="true when the call joined an incident already open nearby")
    location: PublicLocation


class IncidentRequest(Model):
    """POST /v1/incidents: a call taken by phone at the dispatch centre."""

    model_config = ConfigDict(extra="forbid")

    address_code: str | None = Field(None, min_length=1, max_length=64)
    location: DeviceLocation | None = None
    address_text: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, pattern=PHONE)
    symptoms: list[Symptom] = Field(default_factory=list, max_length=10)
    note: str | None = Field(None, max_length=500)

    _phone = field_validator("phone", mode="before")(normalise_phone)


class IncidentCreated(Model):
    incident_id: str
    call_id: str
    linked: bool
    status: str
    location: PublicLocation


class CallView(Model):
    """One call as the dispatcher sees it (phone masked unless needed to call back)."""

    call_id: str
    channel: str
    created_at: datetime
    phone_masked: str | None
    symptoms: list[Symptom]
    note: str | None
    linked: bool


class IncidentView(Model):
    incident_id: str
    status: str
    county: str
    location: PublicLocation
    symptoms: list[Symptom]
    created_at: datetime
    workflow: str
    calls: list[CallView]


class CallGuidance(Model):
    """What to do until the ambulance comes (cardiac arrest, unconscious: telephone CPR)."""

    kind: str = Field(description="cpr")
    text: str = Field(description="The one-paragraph summary, in the caller's language")
    steps_url: str = Field(description="GET, with the caller token: the structured steps in the same language")
    progress_url: str = Field(description="POST, with the caller token: guidance_started, compressions_started ...")
    video_url: str = Field(description="POST, with the caller token: join the dispatcher on video")
    metronome_bpm: int = Field(description="The compression metronome's beats a minute")
    aed_text: str | None = Field(None, description="Present when a usable AED is near: send someone for it")


class NearbyAed(Model):
    """An AED a bystander may fetch now: where it is, never who owns it."""

    aed_id: str
    name: str = Field(description="Where it hangs, in the caller's language")
    indoor: str | None = Field(None, description="Where inside: floor, door, next to what")
    distance_m: int
    lat: float
    lon: float


class CallStatus(Model):
    """What the caller's phone polls: no other person's data, ever."""

    call_id: str
    incident_id: str
    status: str
    status_text: str
    unit: dict[str, object] | None = None
    guidance: CallGuidance | None = None
    aeds: list[NearbyAed] | None = Field(
        None, description="Cardiac arrest / unconscious: up to 3 AEDs usable now within 200 m, nearest first"
    )
    updated_at: datetime
