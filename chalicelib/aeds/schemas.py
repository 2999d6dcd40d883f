"""Edge contract of the AED registry."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chalicelib.aeds.entities import AedStatus, AedVerification
from chalicelib.core.bounds import Latitude, Longitude, Measure
from chalicelib.core.model import Model


class AedQuery(Model):
    lat: Latitude
    lon: Longitude
    radius: Measure = Field(500, gt=0, le=2000, description="Metres (at most 2 km)")


class AedView(Model):
    aed_id: str
    name_zh: str
    name_en: str
    indoor: str | None
    lat: float
    lon: float
    hours: str
    status: AedStatus
    verification: AedVerification
    distance_m: int
    usable_now: bool = Field(description="Verified, in service and its building open now")


class AedList(Model):
    aeds: list[AedView]
    count: int


class AedSubmission(Model):
    name_zh: str = Field(min_length=2, max_length=100, description="Where it hangs, as a passer-by would say it")
    name_en: str | None = Field(None, max_length=200)
    lat: Latitude
    lon: Longitude
    indoor: str | None = Field(None, max_length=200)
    hours: str = Field("24h", pattern=r"^(24h|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d)$")
    owner: str | None = Field(None, max_length=100)


class Verification(Model):
    verified: bool


class KeeperView(Model):
    aed_id: str
    volunteer_id: str
    subscribed: bool
    subscribed_at: datetime | None = None
