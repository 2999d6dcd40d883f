"""What the timeline stores: wristbands, the hospital's time nodes, one KPI summary per incident."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Band:
    """One band, one patient: bound by the crew of the unit on the job."""

    band_id: str
    incident_id: str
    unit_id: str | None
    bound_by: str
    bound_at: datetime


@dataclass(frozen=True)
class HospitalNode:
    """The first scan of a node is its time (a repeated scan changes nothing)."""

    incident_id: str
    node: str
    at: datetime
    band_id: str
    hospital_id: str | None
    station: str | None  # the scanner's place, e.g. "CT room 2"
    scanned_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class ResponseNode:
    """A time node of the response around the ambulance; the first write stands."""

    incident_id: str
    node: str  # "<namespace>.<event>" or "<namespace>.<id>.<event>"
    at: datetime
    by: str  # a staff subject, "call:<id>" or "volunteer:<id>": never a name or phone
    detail: str | None  # short and free of health or personal data
    recorded_at: datetime


@dataclass(frozen=True)
class KpiSummary:
    incident_id: str
    county: str
    call_at: datetime
    pathway: str | None
    level: int | None
    updated_at: datetime
    intervals: dict[str, float] = field(default_factory=dict)  # {interval id: seconds}
    met: dict[str, bool] = field(default_factory=dict)  # {interval id: within target} for judged ones
    consultations: int = 0
