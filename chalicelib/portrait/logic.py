"""Building the portrait. Pure: every fact is passed in, and `now` too.

Regions are red for danger now (a level 1-2 finding of the current condition or vitals, a red trauma
criterion), orange for a level 3 finding, a yellow trauma criterion or a known disease of the
region, and green otherwise. History alone never makes a region red: it is a risk, not an emergency.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from importlib import resources
from typing import Any

from chalicelib.archive.api import PREGNANCY_CONDITION, Allergy, Condition, HealthSummary
from chalicelib.clinical.news2 import PARAMETERS as NEWS2_PARAMETERS
from chalicelib.core.root import provider
from chalicelib.portrait.entities import AssessmentFacts, MonitorFacts
from chalicelib.portrait.schemas import (
    REGION_IDS,
    AllergyFlag,
    ChronicFlag,
    CodeMatch,
    Flags,
    InfectionDef,
    InfectiousFlag,
    IsolationView,
    PatientView,
    Portrait,
    PortraitReason,
    PortraitRules,
    Precaution,
    PregnancyFlag,
    RegionColour,
    RegionView,
    Sources,
)
from chalicelib.triage.engine import triage
from chalicelib.triage.schemas import AssessmentInput, Label, TriageResult, Vitals

_RANK: dict[RegionColour, int] = {"green": 0, "orange": 1, "red": 2}
_STRICTEST: tuple[Precaution, ...] = ("airborne", "droplet", "contact", "standard")
_ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
_ACTIVE = (None, "active", "recurrence", "relapse")
_ANTICOAGULANT_AT_SCENE = "reported at scene"


@provider  # the packaged rules file, read and checked once per container
def load_rules() -> PortraitRules:
    text = resources.files(__package__).joinpath("regions_v1.json").read_text(encoding="utf-8")
    rules = PortraitRules.model_validate_json(text)
    named = [r.id for r in rules.regions]
    used = {g for h in rules.history for g in h.regions} | {
        g for c in rules.trauma_criteria.values() for g in c.regions
    }
    used |= {g for k, v in rules.triage_rules.items() if not k.startswith("_") for g in v}
    if tuple(named) != REGION_IDS or not used <= set(named):
        raise ValueError("portrait rules must name exactly the body regions, and use no other")
    return rules


def build(
    incident_id: str,
    *,
    assessment: AssessmentFacts | None,
    monitor: MonitorFacts | None,
    summary: HealthSummary | None,
    now: datetime,
) -> Portrait:
    rules = load_rules()
    found: dict[str, list[PortraitReason]] = {r: [] for r in REGION_IDS}
    results: list[TriageResult] = []
    if assessment is not None:
        results.append(assessment.result)
        _add(found, _from_triage(rules, assessment.result, "assessment"))
        _add(found, _from_trauma(rules, assessment.input))
    # Monitor readings newer than the assessment describe the patient now; older ones were seen by it.
    fresh = monitor if monitor is not None and (assessment is None or monitor.at > assessment.at) else None
    if fresh is not None:
        vitals = triage(AssessmentInput(vitals=_vitals(fresh.values)), now=now)
        results.append(vitals)
        _add(found, _from_triage(rules, vitals, "monitor"))
    conditions = [c for c in (summary.conditions if summary else []) if c.clinical_status in _ACTIVE]
    infections = [(c, _infection(rules, c)) for c in conditions]
    chronic = [c for c, inf in infections if inf is None and c.code != PREGNANCY_CONDITION]
    # Every active condition marks its region, infections too (tuberculosis is a chest at risk).
    _add(found, _from_history(rules, [c for c in conditions if c.code != PREGNANCY_CONDITION]))
    worst = min(results, key=lambda r: r.level) if results else None
    return Portrait(
        incident_id=incident_id,
        level=worst.level if worst else None,
        label=worst.label if worst else None,
        colour=worst.colour if worst else None,
        pathway=assessment.result.pathway if assessment else None,
        news2=fresh.news2 if fresh is not None else _news2(assessment),
        regions=[_region(rules, r, found[r]) for r in REGION_IDS],
        flags=_flags(rules, assessment, summary, infections, chronic),
        patient=_patient(summary, assessment, now),
        sources=Sources(
            assessment_at=assessment.at if assessment else None,
            monitor_at=monitor.at if monitor else None,
            archive=summary is not None,
        ),
        rules_version=rules.version,
        generated_at=now,
    )


def _news2(assessment: AssessmentFacts | None) -> int | None:
    """The assessment's NEWS2, unless nothing it scores was measured (0 would read as "well")."""
    if assessment is None or set(assessment.result.news2.missing) >= set(NEWS2_PARAMETERS):
        return None
    return assessment.result.news2.total


def _add(found: dict[str, list[PortraitReason]], items: Iterable[tuple[str, PortraitReason]]) -> None:
    for region, reason in items:
        if all(r.rule != reason.rule or r.source != reason.source for r in found[region]):
            found[region].append(reason)


def _level_colour(level: int | None) -> RegionColour:
    return "red" if level is not None and level <= 2 else "orange" if level == 3 else "green"


def _from_triage(rules: PortraitRules, result: TriageResult, source: str) -> Iterable[tuple[str, PortraitReason]]:
    for reason in result.reasons:
        regions = rules.triage_rules.get(reason.rule) or rules.triage_rules.get(reason.rule.split(".")[0]) or []
        colour = _level_colour(reason.level)
        if colour == "green":
            continue
        for region in regions:
            yield region, PortraitReason(source=source, rule=reason.rule, label=reason.label, colour=colour)  # type: ignore[arg-type]


def _from_trauma(rules: PortraitRules, inp: AssessmentInput) -> Iterable[tuple[str, PortraitReason]]:
    trauma = inp.findings.trauma
    if trauma is None:
        return
    marked: list[tuple[str, RegionColour]] = [(c, "red") for c in trauma.red] + [(c, "orange") for c in trauma.yellow]
    for criterion, colour in marked:
        spec = rules.trauma_criteria.get(criterion)
        for region in spec.regions if spec else []:
            label = Label(zh=spec.zh, en=spec.en)  # type: ignore[union-attr]
            yield region, PortraitReason(source="assessment", rule=f"trauma.{criterion}", label=label, colour=colour)


def _from_history(rules: PortraitRules, conditions: list[Condition]) -> Iterable[tuple[str, PortraitReason]]:
    for c in conditions:
        text = c.display or c.code or "?"
        for region in _history_regions(rules, c):
            label = Label(zh=f"病史：{text}", en=f"History: {text}")
            yield region, PortraitReason(source="history", rule=c.code or text, label=label, colour="orange")


def _history_regions(rules: PortraitRules, c: Condition) -> list[str]:
    return sorted({g for h in rules.history if _matches(h, c) for g in h.regions}, key=REGION_IDS.index)


def _matches(spec: CodeMatch, c: Condition) -> bool:
    code = (c.code or "").strip().upper()
    if code and _ICD10.match(code) and any(code.startswith(p.upper()) for p in spec.icd10):
        return True
    if code.isdigit() and code in spec.snomed:
        return True
    text = (c.display or "").casefold()
    return any(_word_in(w.casefold(), text) for w in spec.words)


def _word_in(word: str, text: str) -> bool:
    if word.isascii():  # a Latin word starts at a word boundary ("hip" is not in "relationship")
        return re.search(rf"\b{re.escape(word)}", text) is not None
    return word in text


def _infection(rules: PortraitRules, c: Condition) -> InfectionDef | None:
    # The list is ordered from specific to generic ("other": any ICD-10 A or B code).
    return next((d for d in rules.infectious if _matches(d, c)), None)


def _region(rules: PortraitRules, region: str, reasons: list[PortraitReason]) -> RegionView:
    spec = next(r for r in rules.regions if r.id == region)
    ordered = sorted(reasons, key=lambda r: -_RANK[r.colour])
    colour: RegionColour = ordered[0].colour if ordered else "green"
    return RegionView(region=region, label=Label(zh=spec.zh, en=spec.en), colour=colour, reasons=ordered)


def _flags(
    rules: PortraitRules,
    assessment: AssessmentFacts | None,
    summary: HealthSummary | None,
    infections: list[tuple[Condition, InfectionDef | None]],
    chronic: list[Condition],
) -> Flags:
    infectious = [
        InfectiousFlag(
            id=d.id, label=Label(zh=d.zh, en=d.en), recorded_as=c.display or c.code, precautions=d.precautions
        )
        for c, d in infections
        if d is not None
    ]
    needed = {p for f in infectious for p in f.precautions}
    isolation = [IsolationView(precaution=p, label=rules.precautions[p]) for p in _STRICTEST if p in needed]
    allergies = summary.allergies if summary else []
    drug = [a for a in allergies if "medication" in a.category or not a.category]
    anticoagulants = [m.display or m.code or "?" for m in (summary.medications if summary else []) if m.anticoagulant]
    trauma = assessment.input.findings.trauma if assessment else None
    if trauma is not None and "anticoagulants" in trauma.yellow and not anticoagulants:
        anticoagulants = [_ANTICOAGULANT_AT_SCENE]
    return Flags(
        infectious=infectious,
        isolation=isolation,
        drug_allergies=[AllergyFlag(substance=a.substance, criticality=a.criticality) for a in drug],
        other_allergies=[
            AllergyFlag(substance=a.substance, criticality=a.criticality) for a in allergies if a not in drug
        ],
        chronic_diseases=[
            ChronicFlag(display=c.display, code=c.code, regions=_history_regions(rules, c)) for c in chronic
        ],
        anticoagulants=anticoagulants,
        pregnancy=_pregnancy(assessment, summary),
    )


def _allergy(a: Allergy) -> AllergyFlag:
    return AllergyFlag(substance=a.substance, criticality=a.criticality)


def _pregnancy(assessment: AssessmentFacts | None, summary: HealthSummary | None) -> PregnancyFlag | None:
    weeks = assessment.input.findings.pregnancy_weeks if assessment else None
    if weeks:
        return PregnancyFlag(weeks=weeks, source="assessment")
    if summary is not None and summary.pregnancy:
        return PregnancyFlag(status=summary.pregnancy, source="history")
    return None


def _patient(summary: HealthSummary | None, assessment: AssessmentFacts | None, now: datetime) -> PatientView:
    findings = assessment.input.findings if assessment else None
    age = findings.age_years if findings else None
    if summary is not None and summary.birth_date is not None:
        age = _age(summary.birth_date, now.date())
    elif findings is not None and findings.age_days is not None and age is None:
        age = findings.age_days // 365
    if summary is None:
        return PatientView(identified=False, age_years=age)
    return PatientView(
        identified=True, name=summary.name, gender=summary.gender, birth_date=summary.birth_date, age_years=age
    )


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _vitals(values: dict[str, Any]) -> Vitals:
    return Vitals.model_validate({k: v for k, v in values.items() if k in Vitals.model_fields and v is not None})
