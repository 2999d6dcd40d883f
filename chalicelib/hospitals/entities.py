"""Receiving hospitals and the fixed vocabulary of what they can treat."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Capability(StrEnum):
    """What a hospital can do around the clock; pathways route on these words only."""

    CHEST_PAIN_CENTER = "chest_pain_center"
    PCI_24X7 = "pci_24x7"
    STROKE_THROMBOLYSIS = "stroke_thrombolysis"
    STROKE_THROMBECTOMY = "stroke_thrombectomy"
    TRAUMA_LEVEL_1 = "trauma_level_1"
    TRAUMA_LEVEL_2 = "trauma_level_2"
    NICU = "nicu"
    MATERNAL_CRITICAL_CARE = "maternal_critical_care"
    BURNS = "burns"
    PAEDIATRICS = "paediatrics"
    ECMO = "ecmo"


class Hospital(BaseModel):
    model_config = ConfigDict(frozen=True)

    hospital_id: str
    name_zh: str
    name_en: str
    grade: str = Field(description="Chinese hospital grade, e.g. 3A (三级甲等)")
    county: str = Field(pattern=r"^\d{6}$")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    capabilities: frozenset[Capability]


CathLab = Literal["ready", "busy", "closed"]


class Capacity(BaseModel):
    """What the hospital reports it can take now; `at` is when it said so."""

    model_config = ConfigDict(frozen=True)

    ed_beds: int = Field(ge=0, le=1000, description="Free emergency-department beds")
    icu_beds: int = Field(ge=0, le=1000, description="Free ICU beds")
    ct_available: bool = Field(description="A CT scanner free for an emergency")
    cath_lab: CathLab | None = Field(None, description="Catheterisation lab; None where there is none")
    at: datetime
    by: str = Field(description="Who reported it")


class OptionsInput(BaseModel):
    """The little of an incident its hospital options are computed from."""

    model_config = ConfigDict(frozen=True)

    incident_id: str
    location: dict[str, Any] | None = None
    unit_id: str | None = None
    triage_level: int | None = None
    pathway: str | None = None
    required_capabilities: list[str] = []
