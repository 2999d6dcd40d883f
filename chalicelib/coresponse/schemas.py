"""Edge contract of co-response position sharing."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from chalicelib.core.bounds import EventTime, Latitude, Longitude, Measure
from chalicelib.core.model import Model


class PositionRequest(Model):
    """A co-responder's GPS fix while it works the incident."""

    model_config = ConfigDict(extra="forbid")

    lat: Latitude
    lon: Longitude
    accuracy_m: Measure | None = Field(None, ge=0, le=10_000, description="Horizontal accuracy, metres")
    heading: Measure | None = Field(None, ge=0, lt=360, description="Degrees clockwise from true north")
    speed: Measure | None = Field(None, ge=0, le=100, description="Metres per second")
    at: EventTime = Field(description="Time of the fix, device clock: at most 30 s ahead, at most 5 min old")
    callsign: str = Field(
        min_length=1,
        max_length=32,
        pattern=r"^\w[\w .\-/]*$",
        description="The team's radio call sign, e.g. 芗城消防 E12",
    )


class PositionAccepted(Model):
    incident_id: str
    accepted: bool = Field(description="false when a newer fix is already stored (late or repeated report)")
    sharing_started: bool = Field(description="true on the responder's first fix on this incident")
    keep_until: datetime = Field(description="When the fix is deleted at the latest, closed incident or not")


class ResponderView(Model):
    responder_id: str
    agency: str
    callsign: str
    lat: float
    lon: float
    accuracy_m: float | None
    heading: float | None
    speed: float | None
    at: datetime
    age_s: int = Field(description="Seconds since the fix, at the time of the answer")
    sharing_since: datetime | None


class ResponderList(Model):
    incident_id: str
    incident_open: bool = Field(description="false once the incident closed: the list is then always empty")
    responders: list[ResponderView]
