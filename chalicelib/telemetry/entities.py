"""What the telemetry domain keeps and hands to other domains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StoredReading:
    """A monitor reading as stored under its incident, with its NEWS2 (from the monitor's parameters)."""

    at: datetime  # the device's time of the reading
    unit_id: str
    values: dict[str, Any]  # hr, sbp, ... as the monitor sent them
    news2: int
    risk: str
