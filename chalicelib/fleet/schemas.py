"""Request and response bodies of the fleet API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from chalicelib.core.bounds import EventTime, Latitude, Longitude, Measure
from chalicelib.core.model import Model
from chalicelib.fleet.entities import UnitStatus, UnitType
from chalicelib.fleet.logic import TimeNode


def _upper(value: Any) -> Any:
    # Crew apps send "en_route"; the stored status is "EN_ROUTE". Accept both.
    return value.upper() if isinstance(value, str) else value


class StatusRequest(Model):
    model_config = ConfigDict(extra="forbid")

    status: UnitStatus | None = None
    at: EventTime | None = Field(None, description="Device clock; at most 5 min ahead of the server")
    event: Literal["at_patient"] | None = None
    destination_id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]{1,32}$", description="With `transporting`: the receiving hospital's id"
    )

    _status = field_validator("status", mode="before")(_upper)

    @model_validator(mode="after")
    def _something(self) -> StatusRequest:
        if self.status is None and self.event is None:
            raise ValueError("give a status, an event, or both")
        return self


class TimeCorrection(Model):
    """A crew confirming or correcting one of its time nodes (e.g. an arrival the stream detected)."""

    model_config = ConfigDict(extra="forbid")

    incident_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    node: TimeNode
    at: EventTime | None = Field(None, description="The corrected time; omit to confirm the recorded one")


class TimeNodeView(Model):
    incident_id: str
    unit_id: str
    node: str
    at: datetime
    by: str = Field(description="Who recorded the time now standing: a subject, or `geofence`")
    confirmed_by: str | None
    corrected_from: datetime | None = Field(description="The time it replaced, when corrected")


class PositionReport(Model):
    """The crew app's GPS fix (onboard telemetry arrives over MQTT instead)."""

    model_config = ConfigDict(extra="forbid")

    lat: Latitude
    lon: Longitude
    at: EventTime = Field(description="Time of the fix, device clock")
    accuracy_m: Measure | None = Field(None, ge=0, le=10_000)


class PositionResult(Model):
    unit_id: str
    accepted: bool = Field(description="false when a newer fix is already stored (late or repeated report)")
    position_at: datetime


class NodeView(Model):
    node: str = Field(description="NEMSIS eTimes element, e.g. eTimes.05")
    at: datetime


class StatusResult(Model):
    unit_id: str
    status: UnitStatus
    previous: UnitStatus
    changed: bool
    version: int
    incident_id: str | None
    recorded: list[NodeView]


class Position(Model):
    lat: float
    lon: float
    at: datetime = Field(description="Time of the last reported fix")
    stale: bool
    source: Literal["reported", "station"]


class UnitView(Model):
    unit_id: str
    plate: str
    type: UnitType
    station_id: str
    county: str
    status: UnitStatus
    status_at: datetime | None
    position: Position
    crew: list[str] = Field(description="Staff ids of the shift on board")
    incident_id: str | None
    assigned_at: datetime | None
    version: int


class UnitList(Model):
    units: list[UnitView]
    count: int


class UnitsQuery(Model):
    county: str | None = Field(None, pattern=r"^\d{6}$")
    status: UnitStatus | None = None

    _status = field_validator("status", mode="before")(_upper)


class AssignmentView(Model):
    unit_id: str
    status: UnitStatus
    incident_id: str
    assigned_at: datetime | None
    destination_id: str | None
    destination_name: str | None
    job: dict[str, Any] | None = Field(
        None, description="The job as sent to ems/units/{unit_id}/dispatch: place, nature, ETA, co-responders"
    )
