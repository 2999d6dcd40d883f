"""Edge contract of wristbands, the timeline and the KPIs."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chalicelib.core.bounds import EventTime, Moment
from chalicelib.core.model import Model
from chalicelib.timeline.logic import Station

BAND = r"^[A-Za-z0-9-]{4,40}$"


class BindBand(Model):
    band_id: str = Field(pattern=BAND, description="The band's printed / encoded id")
    incident_id: str = Field(min_length=1, max_length=64)


class BandView(Model):
    band_id: str
    incident_id: str
    unit_id: str | None
    bound_at: datetime


class ScanRequest(Model):
    node: Station
    at: EventTime | None = Field(None, description="The scanner's time; default the time received")
    station: str | None = Field(None, max_length=64, description="Where, e.g. 'CT room 2'")


class ScanResult(Model):
    band_id: str
    incident_id: str
    node: Station
    at: datetime = Field(description="The node's time: the first scan's")
    recorded: bool = Field(description="false for a repeated scan of the node: nothing changed")


class NodeView(Model):
    node: str
    at: datetime
    source: str = Field(description="call, unit (NEMSIS eTimes), wristband, or a response node's namespace (cpr, "
                        "volunteer)")  # fmt: skip
    label_en: str


class IntervalView(Model):
    id: str
    label_zh: str
    label_en: str
    start: str
    stop: str
    start_at: datetime | None
    stop_at: datetime | None
    seconds: float | None
    target_s: int | None
    met: bool | None = Field(description="Within target; None while unmeasured or not judged")


class Timeline(Model):
    incident_id: str
    pathway: str | None
    nodes: list[NodeView] = Field(description="In time order, whatever order they were recorded in")
    intervals: list[IntervalView]


class KpiQuery(Model):
    start: Moment = Field(alias="from")
    end: Moment = Field(alias="to")
    county: str | None = Field(None, pattern=r"^\d{6}$")
    pathway: str | None = Field(None, max_length=32)


class IntervalKpi(Model):
    interval: str
    label_en: str
    target_s: int | None
    count: int
    median_s: float | None
    p90_s: float | None
    within_target: float | None = Field(description="Share of measured intervals within target (0..1)")


class Kpis(Model):
    start: datetime = Field(description="The query's from")
    end: datetime = Field(description="The query's to")
    county: str | None
    pathway: str | None
    patients: int
    consultations: int
    intervals: list[IntervalKpi]
