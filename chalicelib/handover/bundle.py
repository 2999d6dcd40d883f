"""The handover to the receiving emergency department as a FHIR R4 Bundle (type collection).

`build(HandoverFacts)` turns what the platform knows at arrival (time nodes, triage level and
pathway, vital-sign readings, the resident's record when the patient was identified, and the
pre-orders placed with the hospital) into one Bundle the hospital's systems can import without
knowing this platform. It is pure: no clock, no randomness, no I/O. Every fullUrl is a UUID5 of
the incident id and a local name, so the same facts give the same bundle and a resent handover
carries the same fullUrls as the first.

Representation choices a receiving system relies on:
- Encounter: class EMER; status finished (the crew's encounter ends at handover); period from
  patient contact (else arrival on scene) to handover; the known time nodes as extensions
  `urn:ems:time-node:<node>`; the unit as a location; priority from the triage level in
  v3-ActPriority: 1 -> S (stat), 2 -> EM (emergency), 3 -> UR (urgent), 4 -> R (routine).
- Triage: an Observation (category survey) whose valueCodeableConcept codes the level in
  `urn:ems:triage-level` with the English label as display and text; the reasons are its notes.
- Vitals: one Observation per value (blood pressure as a 85354-9 panel), LOINC and UCUM;
  consciousness (ACVPU) as valueString and supplemental oxygen as valueBoolean, both coded in
  `urn:ems:vital`. NEWS2 (SNOMED CT) per reading, derived from that reading's observations.
  Reading keys with no code here (a monitor's rhythm, say) stay in the platform's own record.
- The working diagnosis from the pathway is a provisional encounter-diagnosis Condition; the
  record's pregnancy status, when it states one, is a LOINC 82810-3 Observation.

`validate` is stricter than `fhir.resources`, which checks structure and types but not the
required value sets of codes: it also checks the codes this bundle uses and that every
`urn:uuid:` reference resolves inside the bundle. `fhir.resources` is imported inside
`validate` only, because its models are slow to import on a cold start.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.archive.api import Allergy, Condition, HealthSummary, Medication

Json = dict[str, Any]

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
_TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"

TIME_NODES = ("call_received", "dispatched", "en_route", "on_scene", "patient_contact", "departed_scene", "at_hospital")
PRIORITY = {1: ("S", "stat"), 2: ("EM", "emergency"), 3: ("UR", "urgent"), 4: ("R", "routine")}
PATHWAY_CONDITIONS = {
    "chest_pain": ("29857009", "Chest pain"),  # the pathway alone does not establish a STEMI
    "stroke": ("230690007", "Cerebrovascular accident"),
    "trauma": ("417746004", "Traumatic injury"),
    "cardiac_arrest": ("410429000", "Cardiac arrest"),
    "critical_maternal": ("173300003", "Disorder of pregnancy"),
    "critical_neonatal": ("414025005", "Disorder of fetus or newborn"),
}
# key -> (LOINC code, LOINC display, UCUM unit)
QUANTITIES = {
    "hr": ("8867-4", "Heart rate", "/min"),
    "rr": ("9279-1", "Respiratory rate", "/min"),
    "spo2": ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    "temp_c": ("8310-5", "Body temperature", "Cel"),
    "gcs": ("9269-2", "Glasgow coma score total", "{score}"),
    "glucose_mmol": ("15074-8", "Glucose [Moles/volume] in Blood", "mmol/L"),
    "etco2": ("19889-5", "Carbon dioxide [Partial pressure] in Exhaled gas --at end expiration", "mm[Hg]"),
}
BLOOD_PRESSURE = {"sbp": ("8480-6", "Systolic blood pressure"), "dbp": ("8462-4", "Diastolic blood pressure")}
NEWS2 = ("1104051000000101", "Royal College of Physicians NEWS2 (National Early Warning Score 2) total score")
ORDER_LABELS = {
    "bloods": "Blood tests",
    "ecg": "12-lead ECG",
    "ultrasound": "Ultrasound",
    "ct_head": "CT head",
    "ct_angiography": "CT angiography",
    "ct_body": "CT body",
    "xray_chest": "Chest X-ray",
    "blood_typing": "Blood typing and crossmatch",
}
CONDITION_CLINICAL = frozenset({"active", "recurrence", "relapse", "inactive", "remission", "resolved"})
# Required bindings of the coded fields this bundle fills, which fhir.resources leaves unchecked.
REQUIRED_CODES: dict[str, dict[str, frozenset[str]]] = {
    "Bundle": {"type": frozenset({"document", "message", "transaction", "transaction-response", "batch",
                                  "batch-response", "history", "searchset", "collection"})},
    "Patient": {"gender": frozenset({"male", "female", "other", "unknown"})},
    "Encounter": {"status": frozenset({"planned", "arrived", "triaged", "in-progress", "onleave", "finished",
                                       "cancelled", "entered-in-error", "unknown"})},
    "Observation": {"status": frozenset({"registered", "preliminary", "final", "amended", "corrected", "cancelled",
                                         "entered-in-error", "unknown"})},
    "AllergyIntolerance": {"criticality": frozenset({"low", "high", "unable-to-assess"}),
                           "category": frozenset({"food", "medication", "environment", "biologic"})},
    "MedicationStatement": {"status": frozenset({"active", "completed", "entered-in-error", "intended", "stopped",
                                                 "on-hold", "unknown", "not-taken"})},
    "ServiceRequest": {"status": frozenset({"draft", "active", "on-hold", "revoked", "completed", "entered-in-error",
                                            "unknown"}),
                       "intent": frozenset({"proposal", "plan", "directive", "order", "original-order",
                                            "reflex-order", "filler-order", "instance-order", "option"})},
}  # fmt: skip
_MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Reading:
    """One vital-sign set, from the monitor or the crew's assessment."""

    at: datetime
    values: Mapping[str, float | int | str | bool]
    source: str  # monitor or assessment
    news2: int | None = None


@dataclass(frozen=True)
class Order:
    """A pre-order placed with the hospital; status is a FHIR ServiceRequest status."""

    order_id: str
    code: str
    status: str
    ordered_at: datetime


@dataclass(frozen=True)
class HandoverFacts:
    incident_id: str
    unit_id: str
    hospital_id: str
    hospital_name: str
    handed_over_at: datetime
    times: Mapping[str, datetime]  # known time nodes, keys among TIME_NODES
    level: int | None
    level_label_en: str | None
    pathway: str | None
    reasons_en: Sequence[str]
    readings: Sequence[Reading]
    summary: HealthSummary | None
    orders: Sequence[Order]


@dataclass(frozen=True)
class _Refs:
    incident_id: str

    def url(self, local: str) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:ems:handover:{self.incident_id}/{local}')}"

    def to(self, local: str) -> Json:
        return {"reference": self.url(local)}


def build(facts: HandoverFacts) -> Json:
    """The handover Bundle; raises ValueError when it would not validate (a bug in the facts' source)."""
    refs = _Refs(facts.incident_id)
    summary = facts.summary
    entries = [
        _entry(refs, "patient", _patient(facts.incident_id, summary)),
        _entry(refs, "encounter", _encounter(refs, facts)),
        *_diagnosis(refs, facts),
        *_triage(refs, facts),
        *(e for i, reading in enumerate(facts.readings) for e in _reading(refs, i, reading)),
        *([] if summary is None else _record(refs, summary, facts.handed_over_at)),
        *(_entry(refs, f"order/{order.order_id}", _service_request(refs, order)) for order in facts.orders),
    ]
    bundle: Json = {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ems:handover", "value": facts.incident_id},
        "type": "collection",
        "timestamp": _instant(facts.handed_over_at),
        "entry": entries,
    }
    validate(bundle)
    return bundle


def _entry(refs: _Refs, local: str, resource: Json) -> Json:
    return {"fullUrl": refs.url(local), "resource": resource}


def _instant(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"handover times must be timezone-aware, got {value.isoformat()}")
    return value.isoformat()


def _coding(system: str, code: str, display: str | None = None) -> Json:
    return {"system": system, "code": code} | ({"display": display} if display else {})


def _concept(system: str, code: str, display: str) -> Json:
    return {"coding": [_coding(system, code, display)], "text": display}


def _patient(incident_id: str, summary: HealthSummary | None) -> Json:
    # Only the incident identifies the patient here: the resident ID number stays in the archive.
    patient: Json = {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:ems:incident-patient", "value": incident_id}],
    }
    if summary is None:
        return patient
    if summary.name:
        patient["name"] = [{"text": summary.name}]
    if summary.gender in REQUIRED_CODES["Patient"]["gender"]:
        patient["gender"] = summary.gender
    if summary.birth_date is not None:
        patient["birthDate"] = summary.birth_date.isoformat()
    return patient


def _encounter(refs: _Refs, facts: HandoverFacts) -> Json:
    start = facts.times.get("patient_contact") or facts.times.get("on_scene")
    encounter: Json = {
        "resourceType": "Encounter",
        "extension": [
            {"url": f"urn:ems:time-node:{node}", "valueDateTime": _instant(facts.times[node])}
            for node in TIME_NODES
            if node in facts.times
        ],
        "identifier": [{"system": "urn:ems:incident", "value": facts.incident_id}],
        "status": "finished",
        "class": _coding(_TERMINOLOGY + "v3-ActCode", "EMER", "emergency"),
        "subject": refs.to("patient"),
        "period": {"end": _instant(facts.handed_over_at)} | ({"start": _instant(start)} if start else {}),
        "location": [{"location": {"identifier": {"system": "urn:ems:unit", "value": facts.unit_id},
                                   "display": f"Ambulance {facts.unit_id}"}}],
        "serviceProvider": {"identifier": {"system": "urn:ems:hospital", "value": facts.hospital_id},
                            "display": facts.hospital_name},
    }  # fmt: skip
    if not encounter["extension"]:
        del encounter["extension"]
    priority = PRIORITY.get(facts.level or 0)
    if priority is not None:
        code, display = priority
        encounter["priority"] = _concept(_TERMINOLOGY + "v3-ActPriority", code, display)
    return encounter


def _diagnosis(refs: _Refs, facts: HandoverFacts) -> list[Json]:
    known = PATHWAY_CONDITIONS.get(facts.pathway or "")
    if known is None:
        return []
    code, display = known
    condition = {
        "resourceType": "Condition",
        "clinicalStatus": _concept(_TERMINOLOGY + "condition-clinical", "active", "Active"),
        "verificationStatus": _concept(_TERMINOLOGY + "condition-ver-status", "provisional", "Provisional"),
        "category": [_concept(_TERMINOLOGY + "condition-category", "encounter-diagnosis", "Encounter Diagnosis")],
        "code": _concept(SNOMED, code, display),
        "subject": refs.to("patient"),
        "encounter": refs.to("encounter"),
        "recordedDate": _instant(facts.handed_over_at),
    }
    return [_entry(refs, "diagnosis", condition)]


def _observation(refs: _Refs, category: str, fields: Json) -> Json:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [_coding(_TERMINOLOGY + "observation-category", category)]}],
        "subject": refs.to("patient"),
        "encounter": refs.to("encounter"),
        **fields,
    }


def _triage(refs: _Refs, facts: HandoverFacts) -> list[Json]:
    if facts.level is None:
        return []
    label = facts.level_label_en or f"Level {facts.level}"
    fields: Json = {
        "code": {"coding": [_coding("urn:ems:assessment", "triage-level")], "text": "Emergency triage level"},
        "issued": _instant(facts.handed_over_at),
        "valueCodeableConcept": _concept("urn:ems:triage-level", str(facts.level), label),
    }
    if facts.reasons_en:
        fields["note"] = [{"text": reason} for reason in facts.reasons_en]
    return [_entry(refs, "triage", _observation(refs, "survey", fields))]


def _reading(refs: _Refs, index: int, reading: Reading) -> list[Json]:
    at = _instant(reading.at)
    method = {"coding": [_coding("urn:ems:reading-source", reading.source)]}
    vitals = [
        _entry(refs, f"reading/{index}/{name}",
               _observation(refs, "vital-signs", {**fields, "effectiveDateTime": at, "method": method}))
        for name, fields in _vital_fields(reading.values)
    ]  # fmt: skip
    if reading.news2 is None:
        return vitals
    news2 = {
        "code": _concept(SNOMED, *NEWS2),
        "effectiveDateTime": at,
        "valueInteger": reading.news2,
        "derivedFrom": [{"reference": e["fullUrl"]} for e in vitals],
    }
    return [*vitals, _entry(refs, f"reading/{index}/news2", _observation(refs, "survey", news2))]


def _vital_fields(values: Mapping[str, float | int | str | bool]) -> Iterator[tuple[str, Json]]:
    """(local name, Observation code and value) per vital; keys without a code here are left out."""
    if any(key in values for key in BLOOD_PRESSURE):
        components = [
            {"code": _concept(LOINC, code, display), "valueQuantity": _quantity(key, values[key], "mm[Hg]")}
            for key, (code, display) in BLOOD_PRESSURE.items()
            if key in values
        ]
        panel = _concept(LOINC, "85354-9", "Blood pressure panel with all children optional")
        yield "bp", {"code": panel, "component": components}
    for key, (code, display, unit) in QUANTITIES.items():
        if key in values:
            yield key, {"code": _concept(LOINC, code, display), "valueQuantity": _quantity(key, values[key], unit)}
    if isinstance(values.get("on_oxygen"), bool):
        yield "on_oxygen", {"code": _concept("urn:ems:vital", "on_oxygen", "On supplemental oxygen"),
                            "valueBoolean": values["on_oxygen"]}  # fmt: skip
    if isinstance(values.get("consciousness"), str):
        yield "consciousness", {"code": _concept("urn:ems:vital", "consciousness", "Level of consciousness (ACVPU)"),
                                "valueString": values["consciousness"]}  # fmt: skip


def _quantity(key: str, value: float | int | str | bool, unit: str) -> Json:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"vital {key} must be a finite number, got {value!r}")
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _record(refs: _Refs, summary: HealthSummary, at: datetime) -> list[Json]:
    """The resident's record: known problems, allergies, and medications (anticoagulants above all)."""
    conditions = [(i, _problem(refs, c)) for i, c in enumerate(summary.conditions) if c.code or c.display]
    allergies = [(i, _allergy(refs, a)) for i, a in enumerate(summary.allergies) if a.substance]
    medications = [(i, _medication(refs, m, at)) for i, m in enumerate(summary.medications) if m.display or m.code]
    return [
        *(_entry(refs, f"condition/{i}", r) for i, r in conditions),
        *(_entry(refs, f"allergy/{i}", r) for i, r in allergies),
        *(_entry(refs, f"medication/{i}", r) for i, r in medications),
        *([_entry(refs, "pregnancy", _pregnancy(refs, summary.pregnancy))] if summary.pregnancy else []),
    ]


def _code_system(code: str) -> str | None:
    """The system a record's code most likely belongs to, from its shape alone."""
    if code.isdigit():
        return SNOMED
    if re.fullmatch(r"[A-Z]\d{2}(\.\d{1,4})?", code.upper()):
        return ICD10
    return None


def _record_concept(code: str | None, text: str | None, system: str | None) -> Json:
    concept: Json = {"text": text or code}
    if code and system:
        concept["coding"] = [_coding(system, code, text)]
    return concept


def _problem(refs: _Refs, condition: Condition) -> Json:
    problem: Json = {
        "resourceType": "Condition",
        "category": [_concept(_TERMINOLOGY + "condition-category", "problem-list-item", "Problem List Item")],
        "code": _record_concept(condition.code, condition.display, _code_system(condition.code or "")),
        "subject": refs.to("patient"),
    }
    if condition.clinical_status in CONDITION_CLINICAL:
        status = condition.clinical_status
        problem["clinicalStatus"] = {"coding": [_coding(_TERMINOLOGY + "condition-clinical", status)]}
    return problem


def _allergy(refs: _Refs, allergy: Allergy) -> Json:
    allowed = REQUIRED_CODES["AllergyIntolerance"]
    resource: Json = {
        "resourceType": "AllergyIntolerance",
        # The record lists what is current; FHIR requires a clinical status unless entered in error.
        "clinicalStatus": {"coding": [_coding(_TERMINOLOGY + "allergyintolerance-clinical", "active")]},
        "code": {"text": allergy.substance},
        "patient": refs.to("patient"),
    }
    categories = [c for c in allergy.category if c in allowed["category"]]
    if categories:
        resource["category"] = categories
    if allergy.criticality in allowed["criticality"]:
        resource["criticality"] = allergy.criticality
    return resource


def _medication(refs: _Refs, medication: Medication, at: datetime) -> Json:
    is_atc = bool(medication.code and re.fullmatch(r"[A-Z]\d{2}[A-Z]{2}\d{2}", medication.code.upper()))
    resource: Json = {
        "resourceType": "MedicationStatement",
        "status": "active",
        "medicationCodeableConcept": _record_concept(medication.code, medication.display, ATC if is_atc else None),
        "subject": refs.to("patient"),
        "dateAsserted": _instant(at),
    }
    if medication.anticoagulant:
        resource["note"] = [{"text": "Anticoagulant: bleeding risk"}]
    return resource


def _pregnancy(refs: _Refs, status: str) -> Json:
    fields = {"code": _concept(LOINC, "82810-3", "Pregnancy status"), "valueString": status}
    return _observation(refs, "social-history", fields)


def _service_request(refs: _Refs, order: Order) -> Json:
    return {
        "resourceType": "ServiceRequest",
        "identifier": [{"system": "urn:ems:preorder-id", "value": order.order_id}],
        "status": order.status,
        "intent": "order",
        "code": {"coding": [_coding("urn:ems:preorder", order.code)], "text": ORDER_LABELS.get(order.code, order.code)},
        "subject": refs.to("patient"),
        "encounter": refs.to("encounter"),
        "authoredOn": _instant(order.ordered_at),
    }


def validate(bundle: dict[str, Any]) -> None:
    """Raise ValueError naming every problem (up to 20) when the bundle is not valid FHIR R4."""
    entries = bundle.get("entry") or []
    problems = [p for i, entry in enumerate(entries) for p in _resource_problems(i, entry)]
    if not problems:  # the Bundle model would repeat every entry's problems
        problems = _model_problems("Bundle", "Bundle", bundle)
    problems += _code_problems("Bundle", bundle)
    problems += [p for i, entry in enumerate(entries) for p in _code_problems(f"entry {i}", entry.get("resource"))]
    problems += _reference_problems(entries)
    if problems:
        raise ValueError("invalid handover bundle: " + "; ".join(problems[:_MAX_PROBLEMS]))


def _resource_problems(index: int, entry: Any) -> list[str]:
    resource = entry.get("resource") if isinstance(entry, dict) else None
    if not isinstance(resource, dict):
        return [f"entry {index}: no resource"]
    return _model_problems(f"entry {index}", str(resource.get("resourceType")), resource)


def _model_problems(where: str, resource_type: str, data: dict[str, Any]) -> list[str]:
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    try:
        get_fhir_model_class(resource_type).model_validate(data)
    except ValidationError as exc:
        # The message only, never the input: it may be personal data.
        return [
            f"{where} ({resource_type}) {'.'.join(map(str, err['loc'])) or 'resource'}: {err['msg'].splitlines()[0]}"
            for err in exc.errors()
        ]
    except ValueError as exc:  # not a FHIR resource type
        return [f"{where}: {exc}"]
    return []


def _code_problems(where: str, resource: Any) -> list[str]:
    if not isinstance(resource, dict):
        return []
    resource_type = str(resource.get("resourceType"))
    problems = []
    for field, allowed in REQUIRED_CODES.get(resource_type, {}).items():
        value = resource.get(field)
        bad = [code for code in (value if isinstance(value, list) else [value]) if code not in {None, *allowed}]
        problems += [f"{where} ({resource_type}) {field}: {code!r} is not one of {', '.join(sorted(allowed))}"
                     for code in bad]  # fmt: skip
    return problems


def _reference_problems(entries: list[Any]) -> list[str]:
    urls = [e.get("fullUrl") for e in entries if isinstance(e, dict)]
    problems = [f"fullUrl {url} is not unique" for url in sorted({u for u in urls if u and urls.count(u) > 1})]
    known = set(urls)
    for i, entry in enumerate(entries):
        dangling = sorted({r for r in _references(entry) if r.startswith("urn:uuid:") and r not in known})
        problems += [f"entry {i}: reference {r} is not in the bundle" for r in dangling]
    return problems


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)
