"""What is kept of a validated bundle: the few facts a crew acts on at the scene."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from chalicelib.archive.schemas import Allergy, Condition, HealthSummary, Medication, Observation

# Anticoagulants by name (English, zh-CN) or ATC code: bleeding risk changes stroke and trauma care.
ANTICOAGULANTS = (
    "warfarin", "rivaroxaban", "apixaban", "dabigatran", "edoxaban", "heparin", "enoxaparin", "dalteparin",
    "nadroparin", "fondaparinux",
    "华法林", "利伐沙班", "阿哌沙班", "达比加群", "艾多沙班", "依度沙班", "肝素", "依诺肝素", "磺达肝癸钠",
    "b01aa", "b01ab", "b01ae", "b01af", "b01ax05",
)  # fmt: skip
PREGNANCY_OBSERVATIONS = frozenset({"82810-3", "11449-6"})  # LOINC: pregnancy status
PREGNANCY_CONDITION = "77386006"  # SNOMED CT: pregnancy
MAX_OBSERVATIONS = 10


def summarise(patient: Any, resources: list[Any]) -> HealthSummary:
    by_type: dict[str, list[Any]] = {}
    for r in resources:
        by_type.setdefault(r.get_resource_type(), []).append(r)
    conditions = [_condition(r) for r in by_type.get("Condition", [])]
    medications = [_medication(r) for r in by_type.get("MedicationStatement", [])]
    observations = [_observation(r) for r in by_type.get("Observation", [])]
    pregnancy = next((o for o in observations if o.code in PREGNANCY_OBSERVATIONS), None)
    recent = sorted((o for o in observations if o is not pregnancy), key=lambda o: o.time or "", reverse=True)
    return HealthSummary(
        name=_name(patient),
        gender=patient.gender,
        birth_date=patient.birthDate if isinstance(patient.birthDate, date) else None,
        conditions=conditions,
        allergies=[_allergy(r) for r in by_type.get("AllergyIntolerance", [])],
        medications=medications,
        anticoagulated=any(m.anticoagulant for m in medications),
        observations=recent[:MAX_OBSERVATIONS],
        pregnancy=_pregnancy(pregnancy, conditions),
    )


def _name(patient: Any) -> str | None:
    for n in patient.name or []:
        if n.text:
            return str(n.text)
        if n.family:
            return f"{n.family}{''.join(n.given or [])}"
    return None


def _code(cc: Any) -> str | None:
    return next((c.code for c in (cc.coding or []) if c.code), None) if cc is not None else None


def _display(cc: Any) -> str | None:
    if cc is None:
        return None
    return cc.text or next((c.display for c in cc.coding or [] if c.display), None)


def _condition(r: Any) -> Condition:
    return Condition(code=_code(r.code), display=_display(r.code), clinical_status=_code(r.clinicalStatus))


def _allergy(r: Any) -> Allergy:
    return Allergy(substance=_display(r.code), criticality=r.criticality, category=list(r.category or []))


def _medication(r: Any) -> Medication:
    cc = r.medicationCodeableConcept
    display = _display(cc) if cc is not None else (r.medicationReference.display if r.medicationReference else None)
    words = [display or "", *(f"{c.code or ''} {c.display or ''}" for c in (cc.coding or [] if cc else []))]
    text = " ".join(words).casefold()
    return Medication(display=display, code=_code(cc), anticoagulant=any(a in text for a in ANTICOAGULANTS))


def _observation(r: Any) -> Observation:
    value: str | float | None = None
    unit = None
    if r.valueQuantity is not None:
        value = float(r.valueQuantity.value) if r.valueQuantity.value is not None else None
        unit = r.valueQuantity.unit or r.valueQuantity.code
    elif r.valueCodeableConcept is not None:
        value = _display(r.valueCodeableConcept) or _code(r.valueCodeableConcept)
    elif r.valueString is not None:
        value = r.valueString
    return Observation(code=_code(r.code), display=_display(r.code), value=value, unit=unit,
                       time=_time(r.effectiveDateTime or r.issued))  # fmt: skip


def _time(value: Any) -> str | None:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    return str(value) if value is not None else None


def _pregnancy(observation: Observation | None, conditions: list[Condition]) -> str | None:
    if observation is not None and observation.value is not None:
        return str(observation.value)
    if any(c.code == PREGNANCY_CONDITION and c.clinical_status in (None, "active") for c in conditions):
        return "pregnant"
    return None
