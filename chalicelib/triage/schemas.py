"""The assessment a crew sends, the triage result, and the schema of a rules file."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.core.bounds import EventTime, Measure
from chalicelib.core.model import Model
from chalicelib.hospitals.api import Capability

Consciousness = Literal["alert", "confusion", "voice", "pain", "unresponsive"]
Pathway = Literal["chest_pain", "stroke", "trauma", "cardiac_arrest", "critical_maternal", "critical_neonatal"]
Colour = Literal["red", "orange", "yellow", "green"]
# ACS 2021 National Guideline for the Field Triage of Injured Patients, as adopted for China (docs/triage.md).
TraumaRed = Literal[
    "penetrating_head_neck_torso",
    "penetrating_proximal_extremity",
    "skull_deformity",
    "paralysis",
    "chest_wall_instability",
    "pelvic_fracture",
    "two_proximal_long_bone_fractures",
    "crushed_mangled_pulseless_extremity",
    "amputation_proximal",
    "active_bleeding_uncontrolled",
    "gcs_le_13",
    "motor_gcs_lt_6",
    "respiratory_compromise",
    "spo2_lt_90",
    "shock_for_age",
    "age_ge_65_sbp_lt_110",
]
TraumaYellow = Literal[
    "ejection",
    "intrusion_significant",
    "extrication_entrapment",
    "death_same_vehicle",
    "child_unrestrained",
    "vehicle_telemetry_severe",
    "motorcycle_crash",
    "pedestrian_struck_high_speed",
    "high_risk_fall",
    "low_level_fall_head_impact",
    "anticoagulants",
    "child_abuse_suspected",
    "special_care_needs",
    "pregnancy_gt_20w",
    "burns_with_trauma",
]


class Vitals(Model):
    """Bounds are what is physiologically possible, not what is normal: the rules judge normal."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    hr: Measure | None = Field(None, ge=0, le=350, description="Pulse, /min")
    sbp: Measure | None = Field(None, ge=0, le=320, description="Systolic pressure, mmHg")
    dbp: Measure | None = Field(None, ge=0, le=250, description="Diastolic pressure, mmHg")
    rr: Measure | None = Field(None, ge=0, le=120, description="Respiratory rate, /min")
    spo2: Measure | None = Field(None, ge=0, le=100, description="%")
    temp_c: Measure | None = Field(None, ge=20, le=45, description="°C")
    gcs: int | None = Field(None, ge=3, le=15, description="Glasgow coma scale")
    glucose_mmol: Measure | None = Field(None, ge=0, le=60, description="Capillary glucose, mmol/L")
    on_oxygen: bool | None = Field(None, description="Supplemental oxygen (False: air)")
    consciousness: Consciousness | None = Field(None, description="ACVPU; 'confusion' means new confusion")


class BeFastSigns(Model):
    """BE-FAST: Balance, Eyes, Face, Arm, Speech are signs; Time says whether the onset is known."""

    model_config = ConfigDict(extra="forbid")

    balance: bool | None = None
    eyes: bool | None = None
    face: bool | None = None
    arm: bool | None = None
    speech: bool | None = None
    time: bool | None = Field(None, description="Onset known (its time goes in last_known_well)")


class TraumaCriteria(Model):
    model_config = ConfigDict(extra="forbid")

    red: list[TraumaRed] = Field(default_factory=list, description="Red criteria: highest-level trauma centre")
    yellow: list[TraumaYellow] = Field(default_factory=list, description="Yellow criteria: a trauma centre")


class Findings(Model):
    model_config = ConfigDict(extra="forbid")

    chest_pain: bool | None = None
    ecg_stemi: bool | None = Field(None, description="ST elevation myocardial infarction on the 12-lead ECG")
    be_fast: bool | BeFastSigns | None = Field(None, description="Stroke signs: true, or the signs one by one")
    last_known_well: EventTime | None = Field(None, description="Stroke onset, or when last seen well")
    lams: int | None = Field(None, ge=0, le=5, description="Los Angeles Motor Scale")
    race: int | None = Field(None, ge=0, le=9, description="Rapid Arterial oCclusion Evaluation")
    trauma: TraumaCriteria | None = None
    pregnancy_weeks: int | None = Field(None, ge=0, le=45)
    vaginal_bleeding: bool | None = None
    seizure: bool | None = None
    age_days: int | None = Field(None, ge=0, le=60 * 366)
    age_years: int | None = Field(None, ge=0, le=130)
    cardiac_arrest: bool | None = None
    major_bleeding: bool | None = None


class AssessmentInput(Model):
    model_config = ConfigDict(extra="forbid")

    vitals: Vitals = Field(default_factory=Vitals)
    findings: Findings = Field(default_factory=Findings)


class Label(Model):
    zh: str
    en: str


class Reason(Model):
    rule: str = Field(description="Rule id in the rules file")
    version: str = Field(description="Rules version")
    label: Label
    level: int | None
    pathway: Pathway | None


class News2Summary(Model):
    """NEWS2 from the same vitals, for trend and escalation; it does not change the level."""

    total: int
    risk: str
    complete: bool
    missing: list[str]


class TriageResult(Model):
    level: int = Field(ge=1, le=4, description="1 dying, 2 critical, 3 urgent, 4 non-urgent")
    label: Label
    colour: Colour
    target_minutes: int | None = Field(description="Time to be seen: 0, 10, 30, or None (non-urgent)")
    pathway: Pathway | None = Field(description="The most urgent pathway that fired")
    pathways: list[Pathway] = Field(description="Every pathway that fired, most urgent first")
    required_capabilities: list[Capability] = Field(description="What the primary pathway needs of a hospital")
    news2: News2Summary
    reasons: list[Reason] = Field(description="Every rule that fired, most urgent first")
    rules_version: str


# The rules file. Internal, so plain frozen models: they are built once per version and cached.

Op = Literal["eq", "ne", "gt", "gte", "lt", "lte", "in", "nonempty", "exists"]
Indicator = Literal["hr", "sbp", "dbp", "rr", "spo2", "temp_c", "gcs", "glucose_mmol", "consciousness"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Bounds(_Frozen):
    """A band of values; each side says whether its edge is in the band."""

    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None


class Condition(_Frozen):
    """Either all/any of sub-conditions, or one test {field, op, value} over the assessment's facts."""

    all: list[Condition] | None = None
    any: list[Condition] | None = None
    field: str | None = None
    op: Op | None = None
    value: Any = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [self.all is not None, self.any is not None, self.field is not None]
        if sum(forms) != 1 or (self.field is not None) != (self.op is not None):
            raise ValueError("a condition is exactly one of all, any, or field with op")
        return self


class LevelDef(_Frozen):
    level: int = Field(ge=1, le=4)
    label: Label
    colour: Colour
    target_minutes: int | None


class VitalRule(_Frozen):
    id: str
    indicator: Indicator
    range: Bounds | None = None
    one_of: list[str] | None = None
    level: int = Field(ge=1, le=4)
    label: Label
    source: str


class FindingRule(_Frozen):
    id: str
    pathway: Pathway | None = None
    when: Condition
    level: int = Field(ge=1, le=4)
    capabilities: list[Capability] = Field(default_factory=list)
    label: Label
    source: str


class RuleSet(_Frozen):
    version: str
    sources: dict[str, str]
    levels: list[LevelDef]
    pathway_order: list[Pathway]
    no_indicator: Label
    vital_rules: list[VitalRule]
    pathway_rules: list[FindingRule]
    finding_rules: list[FindingRule]

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        rules: list[VitalRule | FindingRule] = [*self.vital_rules, *self.pathway_rules, *self.finding_rules]
        ids = [r.id for r in rules]
        if len(set(ids)) != len(ids):
            raise ValueError("rule ids must be unique")
        if sorted(d.level for d in self.levels) != [1, 2, 3, 4]:
            raise ValueError("levels must define 1, 2, 3 and 4 once each")
        if unknown := {r.source for r in rules} - self.sources.keys():
            raise ValueError(f"unknown sources: {sorted(unknown)}")
        if any(r.pathway is None for r in self.pathway_rules) or any(r.pathway for r in self.finding_rules):
            raise ValueError("pathway rules name a pathway; finding rules do not")
        if sorted(self.pathway_order) != sorted(set(self.pathway_order)):
            raise ValueError("pathway_order lists each pathway once")
        return self


# Bodies of the assessments API, around the engine's result.


class AssessmentView(TriageResult):
    assessment_id: str
    incident_id: str
    assessed_at: datetime


class AssessmentHistory(Model):
    incident_id: str
    assessments: list[AssessmentView] = Field(description="Oldest first")
    count: int
