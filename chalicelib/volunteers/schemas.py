"""Bodies and views of the volunteer API.

A volunteer's alert view carries the nature of the call, the place and the AED: never who the
patient or the caller is, nor any health data. The exact place is shown once they accept.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import Field, model_validator

from chalicelib.core.bounds import CalendarDate, EventTime, Latitude, Longitude
from chalicelib.core.model import Model
from chalicelib.volunteers.entities import AlertKind, AlertStatus, PlaceKind, ResponderNode, VolunteerTier

_ID = r"^[A-Za-z0-9_-]{2,40}$"


class VolunteerRegistration(Model):
    volunteer_id: str = Field(pattern=_ID, description="Also the `volunteer:<id>` scope of their sign-in")
    name: str = Field(min_length=1, max_length=60)
    phone: str = Field(pattern=r"^\+?[0-9]{6,15}$")
    tier: VolunteerTier
    cert_no: str = Field(min_length=4, max_length=40)
    cert_expiry: CalendarDate
    county: str = Field(pattern=r"^\d{6}$")


class VolunteerProfile(Model):
    volunteer_id: str
    name: str
    phone: str
    tier: VolunteerTier
    cert_no: str
    cert_expiry: date
    certified: bool = Field(description="Certificate valid today: only certified volunteers are alerted")
    on_duty: bool
    located_at: datetime | None


class DutyRequest(Model):
    on_duty: bool
    lat: Latitude | None = None
    lon: Longitude | None = None

    @model_validator(mode="after")
    def _position_when_on_duty(self) -> Self:
        if self.on_duty and (self.lat is None or self.lon is None):
            raise ValueError("going on duty needs lat and lon")
        return self


class LocationUpdate(Model):
    lat: Latitude
    lon: Longitude


class AedBrief(Model):
    aed_id: str
    name_zh: str
    name_en: str
    indoor: str | None
    lat: float
    lon: float
    distance_m: int = Field(description="From the patient")
    bring: bool = Field(description="You are the one asked to fetch it on the way")


class Place(Model):
    lat: float
    lon: float
    address: str | None = None
    exact: bool = Field(description="False until you accept: a position rounded to about 100 m")


class AlertView(Model):
    alert_id: str
    kind: AlertKind = Field(description="responder: you are near the patient; keeper: the AED you keep is needed")
    status: AlertStatus
    nature: str = "cardiac_arrest"
    nature_zh: str = "心脏骤停"
    place_kind: PlaceKind
    place: Place
    distance_m: int
    offered_at: datetime
    answer_by: datetime
    aed: AedBrief | None = None
    nodes: dict[ResponderNode, datetime] = {}
    reason: str | None = None


class AlertList(Model):
    alerts: list[AlertView]


class NodeReport(Model):
    node: ResponderNode
    at: EventTime | None = Field(None, description="With its time zone; default: now")


class ResponderView(Model):
    """A dispatcher's (or the crew's) view of one alerted volunteer."""

    volunteer_id: str
    kind: AlertKind
    status: AlertStatus
    rank: int
    distance_m: int
    offered_at: datetime
    answered_at: datetime | None
    bring_aed: bool
    nodes: dict[ResponderNode, datetime]
    name: str | None = Field(None, description="Dispatchers only, once the volunteer accepted")
    phone: str | None = Field(None, description="Dispatchers only, once the volunteer accepted")


class IncidentResponders(Model):
    incident_id: str
    alerting: bool = Field(description="Still alerting: new volunteers are asked as others decline")
    unsafe: bool
    radius_m: int | None
    aed: AedBrief | None
    volunteers: list[ResponderView]


class SceneSafety(Model):
    unsafe: bool
    note: str | None = Field(None, max_length=200)
