"""Edge contract of the bookings API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from chalicelib.bookings.logic import DeclineReason, PreOrder
from chalicelib.core.model import Model
from chalicelib.hospitals.api import Capability


class BookingRequest(Model):
    hospital_id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]{1,32}$", description="Omit for the top hospital option"
    )
    orders: list[PreOrder] = Field(default_factory=list, max_length=10, description="On top of the pathway's own")
    note: str | None = Field(None, max_length=300)


class ReferralRequest(Model):
    to_hospital_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    direction: Literal["up", "down"] = Field(description="up: to more capable care; down: back closer to home")
    reason: str = Field(min_length=3, max_length=300)
    orders: list[PreOrder] = Field(default_factory=list, max_length=10)


class Decline(Model):
    reason: DeclineReason
    note: str | None = Field(None, max_length=300)


class Accept(Model):
    note: str | None = Field(None, max_length=300)


class Cancel(Model):
    reason: str = Field(min_length=3, max_length=300)


class OrderView(Model):
    order_id: str
    code: PreOrder
    status: str = Field(description="FHIR ServiceRequest status: draft until accepted, then active")
    his_id: str | None = None


class BookingView(Model):
    booking_id: str
    kind: Literal["admission", "referral"] = "admission"
    incident_id: str
    hospital_id: str
    referred_by: str | None = Field(None, description="Referral: the referring hospital")
    direction: Literal["up", "down"] | None = None
    hospital_name: str | None = None
    status: str = Field(description="offered, accepted, declined, expired, cancelled, arrived")
    rank: int | None
    qualified: bool
    level: int | None
    pathway: str | None
    required_capabilities: list[Capability]
    eta_s: int | None
    created_at: datetime
    answer_by: datetime
    answered_at: datetime | None
    decline_reason: DeclineReason | None
    registration_no: str | None
    payment_status: str | None
    his_status: str | None = Field(description="ok, failed (the ED registers by hand), not_connected")
    orders: list[OrderView]
    teams: list[str] = Field(description="Green-channel teams called on acceptance")
    next_booking_id: str | None = Field(None, description="The offer that followed a decline or timeout")


class BookingList(Model):
    incident_id: str
    bookings: list[BookingView]


class InboundPatient(Model):
    booking_id: str
    kind: Literal["admission", "referral"] = "admission"
    referred_by: str | None = None
    incident_id: str
    status: str
    level: int | None
    pathway: str | None
    required_capabilities: list[Capability]
    unit_id: str | None
    eta_s: int | None = Field(description="From the unit's last position now")
    answer_by: datetime | None = Field(description="For an offer: answer before this, or it moves on")
    registration_no: str | None
    orders: list[OrderView]
    teams: list[str]
    portrait: str | None = Field(description="Link to the health portrait (once accepted)")


class InboundBoard(Model):
    hospital_id: str
    patients: list[InboundPatient]
    as_of: datetime
