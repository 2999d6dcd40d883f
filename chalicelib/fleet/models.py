"""Ambulances and stations."""

from __future__ import annotations

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
