"""Bodies of the readings API (the device message schemas are in `schemas.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from chalicelib.core.bounds import Moment
from chalicelib.core.model import Model


class ReadingsQuery(Model):
    model_config = ConfigDict(extra="forbid")

    since: Moment | None = Field(None, description="Only readings taken after this time")
    limit: int = Field(200, ge=1, le=1000, description="The newest readings, at most this many")


class ReadingView(Model):
    at: datetime = Field(description="Device time of the reading")
    unit_id: str
    values: dict[str, Any] = Field(description="hr, sbp, dbp, spo2, rr, temp_c, etco2, glucose_mmol, rhythm as sent")
    news2: int = Field(description="From the monitor's parameters only: a lower bound")
    risk: str = Field(description="NEWS2 risk band: low, low_medium, medium, high")


class ReadingList(Model):
    incident_id: str
    readings: list[ReadingView] = Field(description="Oldest first")
    count: int
