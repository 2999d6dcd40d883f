"""The portrait's rules file schema and its response."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.core.model import Model
from chalicelib.triage.schemas import Colour, Label, Pathway

RegionColour = Literal["green", "orange", "red"]
Precaution = Literal["airborne", "droplet", "contact", "standard"]
REGION_IDS = ("head", "neck", "chest", "abdomen", "pelvis", "back", "arms", "legs", "skin")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegionDef(_Frozen):
    id: str
    zh: str
    en: str


class CriterionDef(_Frozen):
    regions: list[str]
    zh: str
    en: str


class CodeMatch(_Frozen):
    """A condition matches by ICD-10 code prefix, SNOMED CT code, or a word of its text (en or zh-CN)."""

    icd10: list[str] = []
    snomed: list[str] = []
    words: list[str] = []


class HistoryRule(CodeMatch):
    regions: list[str]


class InfectionDef(CodeMatch):
    id: str
    zh: str
    en: str
    precautions: list[Precaution]


class PortraitRules(_Frozen):
    version: str
    regions: list[RegionDef]
    triage_rules: dict[str, list[str] | str]
    trauma_criteria: dict[str, CriterionDef]
    history: list[HistoryRule]
    infectious: list[InfectionDef]
    precautions: dict[Precaution, Label]


class PortraitReason(Model):
    source: Literal["assessment", "monitor", "history"] = Field(
        description="The crew's assessment, the ambulance monitor, or the resident health archive"
    )
    rule: str = Field(description="Triage rule id, trauma criterion, or the history code matched")
    label: Label
    colour: RegionColour


class RegionView(Model):
    region: str
    label: Label
    colour: RegionColour = Field(
        description="red: in danger now; orange: at risk or known disease; green: nothing found"
    )
    reasons: list[PortraitReason]


class InfectiousFlag(Model):
    id: str
    label: Label
    recorded_as: str | None = Field(description="The condition as the record names it")
    precautions: list[Precaution]


class IsolationView(Model):
    precaution: Precaution
    label: Label


class AllergyFlag(Model):
    substance: str | None
    criticality: str | None


class ChronicFlag(Model):
    display: str | None
    code: str | None
    regions: list[str]


class PregnancyFlag(Model):
    weeks: int | None = None
    status: str | None = None
    source: Literal["assessment", "history"]


class Flags(Model):
    infectious: list[InfectiousFlag]
    isolation: list[IsolationView] = Field(description="Precautions to take, strictest first")
    drug_allergies: list[AllergyFlag]
    other_allergies: list[AllergyFlag]
    chronic_diseases: list[ChronicFlag]
    anticoagulants: list[str] = Field(description="Anticoagulant medicines on record (or 'reported at scene')")
    pregnancy: PregnancyFlag | None


class PatientView(Model):
    identified: bool = Field(description="Linked to a resident health record")
    name: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    age_years: int | None = None


class Sources(Model):
    assessment_at: datetime | None
    monitor_at: datetime | None
    archive: bool


class Portrait(Model):
    incident_id: str
    level: int | None = Field(description="Most urgent of the latest assessment and newer monitor readings")
    label: Label | None
    colour: Colour | None
    pathway: Pathway | None
    news2: int | None
    regions: list[RegionView]
    flags: Flags
    patient: PatientView
    sources: Sources
    rules_version: str
    generated_at: datetime
