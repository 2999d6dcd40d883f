"""Edge contract of the hospitals API: the registry, live capacity and an incident's options."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chalicelib.core.model import Model
from chalicelib.hospitals.entities import Capability, CathLab


class CapacityUpdate(Model):
    ed_beds: int = Field(ge=0, le=1000, description="Free emergency-department beds")
    icu_beds: int = Field(ge=0, le=1000, description="Free ICU beds")
    ct_available: bool = Field(description="A CT scanner free for an emergency")
    cath_lab: CathLab | None = Field(None, description="ready / busy / closed; omit where there is none")


class CapacityView(Model):
    ed_beds: int
    icu_beds: int
    ct_available: bool
    cath_lab: CathLab | None
    at: datetime = Field(description="When the hospital reported it")
    age_s: int = Field(description="Seconds since then")
    stale: bool = Field(description="Older than EMS_CAPACITY_STALE_S: shown, not trusted")


class HospitalView(Model):
    hospital_id: str
    name_zh: str
    name_en: str
    grade: str
    county: str
    lat: float
    lon: float
    capabilities: list[Capability]
    capacity: CapacityView | None = Field(description="None until the hospital reports it")


class HospitalList(Model):
    hospitals: list[HospitalView]
    count: int


class HospitalsQuery(Model):
    capability: Capability | None = Field(None, description="Only hospitals with this capability")
    county: str | None = Field(None, pattern=r"^\d{6}$")


class OptionView(Model):
    rank: int
    kind: str = Field(description="qualified, or stabilise (nearest able to stabilise, then transfer)")
    hospital_id: str
    name_zh: str
    name_en: str
    grade: str
    eta_s: int = Field(description="Travel time from the unit's position (model or routing provider)")
    distance_m: int
    capacity: CapacityView | None
    warnings: list[str] = Field(description="e.g. capacity stale, cath lab busy, full: no emergency bed")
    reasons: list[str]


class SkippedView(Model):
    hospital_id: str
    name_zh: str
    name_en: str
    eta_s: int
    missing: list[Capability]
    reason: str


class TransferPlan(Model):
    from_hospital_id: str
    to_hospital_id: str
    to_name_zh: str
    transfer_eta_s: int
    reason: str


class Origin(Model):
    lat: float
    lon: float
    source: str = Field(description="unit (its last position) or incident (no unit yet)")
    unit_id: str | None = None


class HospitalOptions(Model):
    incident_id: str
    level: int | None
    pathway: str | None
    required_capabilities: list[Capability]
    origin: Origin
    options: list[OptionView] = Field(description="Qualified hospitals, fastest first; a stabilising one last")
    skipped: list[SkippedView] = Field(description="Nearer hospitals passed over, with what they lack")
    transfer_plan: TransferPlan | None
    notes: list[str]
    computed_at: datetime
