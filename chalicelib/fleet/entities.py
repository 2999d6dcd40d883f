"""What the fleet domain stores and announces, beyond the seedable `Unit`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.fleet.logic import TimeNode
from chalicelib.fleet.models import Unit, UnitType


@dataclass(frozen=True)
class UnitState:
    """A unit as read, with the version its next write is conditional on."""

    unit: Unit
    version: int
    status_at: datetime | None = None
    incident_id: str | None = None
    assigned_at: datetime | None = None
    destination_id: str | None = None
    destination_name: str | None = None


@dataclass(frozen=True)
class TimeStamp:
    """One NEMSIS eTimes node of one unit on one incident."""

    incident_id: str
    unit_id: str
    node: TimeNode
    at: datetime  # the device's clock when it sent one, else the server's
    recorded_at: datetime
    by: str  # the principal's subject, or "geofence"
    confirmed_by: str | None = None
    corrected_from: datetime | None = None


@dataclass(frozen=True)
class UnitAvailable:
    """Domain event: a unit just became free (the sparse index already lists it)."""

    unit_id: str
    type: UnitType
    county: str
    lat: float
    lon: float
    cell: str  # coarse H3 cell, the `available-by-cell` hash key
    at: datetime
    version: int
    previous_incident_id: str | None
