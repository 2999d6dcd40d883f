"""Messages an onboard device publishes, version 1. One model per topic:

    ems/units/{unit_id}/telemetry   Position   (1 Hz while moving)
    ems/units/{unit_id}/vitals      Vitals     (monitor readings, every few seconds)
    ems/units/{unit_id}/status      DeviceStatus (device health, every minute)

Bounds are what a working sensor can report, not clinical thresholds: a reading outside
them is a broken message (dead-lettered with the field named), never a patient state.
Unknown fields are refused, so a renamed field is caught at the edge instead of being
silently dropped. A new version adds a model with `v: Literal[2]`; devices of both
versions coexist because `parse` dispatches on `v`.

Below them, the bodies of the readings API (HTTP).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, TypeAdapter

from chalicelib.core.bounds import Latitude, Longitude, Moment
from chalicelib.core.model import Model

UNIT_ID = r"^[A-Za-z0-9_-]{1,32}$"
# A sensor's float to 6 decimals: finer is noise, and a 1e-200 from a broken sensor becomes 0 instead of
# failing the write (DynamoDB stores no magnitude below 1e-130). Coordinates keep 7 (about 1 cm).
Reading = Annotated[float, Field(allow_inf_nan=False), AfterValidator(lambda v: round(v, 6) + 0.0)]


class _Message(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1
    unit_id: str = Field(pattern=UNIT_ID, description="Must match the topic's unit id")
    seq: int = Field(ge=0, le=2**63 - 1, description="Per device, increasing; restarts at 0 after a reboot")
    ts: AwareDatetime = Field(description="Device clock (GNSS-disciplined where available)")


class Position(_Message):
    kind: Literal["telemetry"] = "telemetry"
    lat: Latitude
    lon: Longitude
    speed_kmh: Reading | None = Field(None, ge=0, le=250)
    heading_deg: Reading | None = Field(None, ge=0, lt=360)
    accuracy_m: Reading | None = Field(None, ge=0, le=10_000)


class Rhythm(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Literal["sinus", "sinus_tachycardia", "sinus_bradycardia", "af", "vt", "vf", "asystole", "pea", "other"]
    stemi: bool = Field(False, description="The monitor's 12-lead interpretation flags ST elevation MI")


class Vitals(_Message):
    kind: Literal["vitals"] = "vitals"
    incident_id: str | None = Field(None, max_length=64, description="The device's current job, if it knows it")
    hr: int | None = Field(None, ge=0, le=350, description="Heart rate, /min")
    sbp: int | None = Field(None, ge=0, le=320, description="Systolic pressure, mmHg")
    dbp: int | None = Field(None, ge=0, le=250, description="Diastolic pressure, mmHg")
    spo2: int | None = Field(None, ge=0, le=100, description="%")
    rr: int | None = Field(None, ge=0, le=120, description="Respiratory rate, /min")
    temp_c: Reading | None = Field(None, ge=20, le=45)
    etco2: Reading | None = Field(None, ge=0, le=150, description="End-tidal CO2, mmHg")
    glucose_mmol: Reading | None = Field(None, ge=0, le=60)
    rhythm: Rhythm | None = None


class DeviceStatus(_Message):
    kind: Literal["status"] = "status"
    battery_pct: int | None = Field(None, ge=0, le=100)
    signal_dbm: int | None = Field(None, ge=-150, le=0)
    monitor_connected: bool | None = None
    firmware: str | None = Field(None, max_length=40)


Message = Annotated[Position | Vitals | DeviceStatus, Field(discriminator="kind")]
_ADAPTER: TypeAdapter[Position | Vitals | DeviceStatus] = TypeAdapter(Message)
TOPIC_KINDS = {"telemetry": "telemetry", "vitals": "vitals", "status": "status"}


class WrongUnit(ValueError):
    """A device published on another unit's topic (or named another unit in its payload)."""


def parse(topic: str, payload: dict[str, Any]) -> Position | Vitals | DeviceStatus:
    """The message of `topic` (`ems/units/{unit_id}/{kind}`), validated against its schema.

    The kind comes from the topic, never from the payload, and the payload's unit must be the
    topic's: the IoT policy lets a device publish only below its own unit id, so a mismatch is a
    misconfigured or tampered device. Raises pydantic.ValidationError or WrongUnit.

    Validated as JSON in strict mode, as the API's bodies are: `true` is not a heart rate, and a
    number DynamoDB cannot store is refused with its field.
    """
    parts = topic.split("/")
    if len(parts) != 4 or parts[:2] != ["ems", "units"] or parts[3] not in TOPIC_KINDS:
        raise ValueError(f"not a device topic: {topic!r}")
    message = _ADAPTER.validate_json(json.dumps({**payload, "kind": TOPIC_KINDS[parts[3]]}), strict=True)
    if message.unit_id != parts[2]:
        raise WrongUnit(f"payload names unit {message.unit_id!r} on the topic of {parts[2]!r}")
    return message


# The readings API (HTTP)
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
