"""The fleet's types: ambulances, stations, their statuses and eTimes nodes, what the domain
stores and what it announces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict, Field

from chalicelib.core.model import Model


class UnitType(StrEnum):
    ALS = "ALS"  # advanced life support (监护型): doctor on board, monitor/defibrillator
    BLS = "BLS"  # basic life support (普通型)
    NEONATAL = "NEONATAL"  # transport incubator, for critical neonatal transfers


class UnitStatus(StrEnum):
    AVAILABLE = "AVAILABLE"
    ASSIGNED = "ASSIGNED"
    EN_ROUTE = "EN_ROUTE"
    ON_SCENE = "ON_SCENE"
    TRANSPORTING = "TRANSPORTING"
    AT_HOSPITAL = "AT_HOSPITAL"
    OUT_OF_SERVICE = "OUT_OF_SERVICE"


class Station(Model):
    model_config = ConfigDict(frozen=True)

    station_id: str
    name_zh: str
    name_en: str
    county: str = Field(pattern=r"^\d{6}$")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Unit(Model):
    model_config = ConfigDict(frozen=True)

    unit_id: str
    plate: str
    type: UnitType
    station_id: str
    county: str = Field(pattern=r"^\d{6}$")
    status: UnitStatus
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    position_at: datetime
    # Staff ids of the shift on board (driver, doctor, nurse): who the crew role tokens are issued to.
    crew: list[str] = Field(default_factory=list, max_length=8)


class TimeNode(StrEnum):
    """NEMSIS v3.5 eTimes elements; their codes sort in the order they happen."""

    UNIT_NOTIFIED = "eTimes.03"
    EN_ROUTE = "eTimes.05"
    ON_SCENE = "eTimes.06"
    AT_PATIENT = "eTimes.07"
    LEFT_SCENE = "eTimes.09"
    AT_DESTINATION = "eTimes.11"
    BACK_IN_SERVICE = "eTimes.13"
    CANCELLED = "eTimes.14"


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


@dataclass(frozen=True)
class FreeUnit:
    """A free unit as the sparse indexes list it: one GSI item, no second read."""

    unit_id: str
    type: UnitType
    county: str
    lat: float
    lon: float
    position_at: datetime
    station_id: str


@dataclass(frozen=True)
class UnitBrief:
    """What the position stream needs of a unit: its status, job and newest stored fix."""

    unit_id: str
    status: UnitStatus
    status_at: datetime | None
    position_at: datetime
    incident_id: str | None
    destination_id: str | None
