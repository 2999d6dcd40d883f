"""Handover bundle: what a receiving emergency department's FHIR import relies on."""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from chalicelib.archive.schemas import Allergy, Condition, HealthSummary, Medication
from chalicelib.handover import bundle as handover
from chalicelib.handover.bundle import HandoverFacts, Order, Reading, build, validate

CST = timezone(timedelta(hours=8))
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=CST)
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"

FIRST = Reading(
    at=T0 + timedelta(minutes=15),
    values={"hr": 96, "sbp": 182, "dbp": 95, "rr": 18, "spo2": 95, "temp_c": 36.8, "gcs": 13,
            "glucose_mmol": 6.1, "on_oxygen": False, "consciousness": "confusion"},
    source="assessment",
    news2=4,
)  # fmt: skip
SECOND = Reading(at=T0 + timedelta(minutes=30), values={"hr": 92, "sbp": 176, "dbp": 92, "etco2": 38}, source="monitor")


def stroke_facts() -> HandoverFacts:
    summary = HealthSummary(
        name="张伟",
        gender="male",
        birth_date=date(1949, 12, 31),
        conditions=[Condition(code="49436004", display="Atrial fibrillation", clinical_status="active")],
        allergies=[Allergy(substance="Penicillin", criticality="high", category=["medication"])],
        medications=[Medication(display="Warfarin", code="B01AA03", anticoagulant=True)],
        anticoagulated=True,
    )
    return HandoverFacts(
        incident_id="INC-20240501-0042",
        unit_id="AMB07",
        hospital_id="H03",
        hospital_name="Zhangzhou Municipal Hospital",
        handed_over_at=T0 + timedelta(minutes=48),
        times={
            "call_received": T0,
            "dispatched": T0 + timedelta(minutes=1),
            "on_scene": T0 + timedelta(minutes=9),
            "patient_contact": T0 + timedelta(minutes=10),
            "at_hospital": T0 + timedelta(minutes=45),
        },
        level=2,
        level_label_en="Emergency",
        pathway="stroke",
        reasons_en=["Face, arm or speech deficit (FAST positive)", "Onset within 4.5 hours"],
        readings=[FIRST, SECOND],
        summary=summary,
        orders=[
            Order("ORD-1", "ct_head", "active", T0 + timedelta(minutes=20)),
            Order("ORD-2", "bloods", "active", T0 + timedelta(minutes=21)),
        ],
    )


def unidentified_facts() -> HandoverFacts:
    return replace(stroke_facts(), summary=None, readings=[], orders=[], pathway=None, reasons_en=[])


def resources(bundle: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]


def entry_url(bundle: dict[str, Any], resource_type: str) -> str:
    (url,) = [e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]
    return str(url)


def coded(concept: dict[str, Any], system: str) -> str | None:
    return next((c["code"] for c in concept.get("coding", []) if c["system"] == system), None)


def observations_by_loinc(bundle: dict[str, Any], at: datetime) -> dict[str, dict[str, Any]]:
    return {
        str(coded(o["code"], LOINC)): o
        for o in resources(bundle, "Observation")
        if o.get("effectiveDateTime") == at.isoformat() and coded(o["code"], LOINC)
    }


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from [value] if key == "reference" else references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def test_stroke_handover_holds_every_resource_with_the_right_counts() -> None:
    bundle = build(stroke_facts())

    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    assert bundle["timestamp"] == "2024-05-01T09:48:00+08:00"
    assert bundle["identifier"] == {"system": "urn:ems:handover", "value": "INC-20240501-0042"}
    # Observations: first reading 9 (blood pressure is one panel) + its NEWS2, second reading 3, triage 1.
    assert Counter(e["resource"]["resourceType"] for e in bundle["entry"]) == {
        "Patient": 1,
        "Encounter": 1,
        "Condition": 2,
        "Observation": 14,
        "AllergyIntolerance": 1,
        "MedicationStatement": 1,
        "ServiceRequest": 2,
    }
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in bundle["entry"])


def test_patient_carries_the_record_identity_and_only_the_incident_identifier() -> None:
    (patient,) = resources(build(stroke_facts()), "Patient")

    assert patient["name"] == [{"text": "张伟"}]
    assert patient["gender"] == "male"
    assert patient["birthDate"] == "1949-12-31"
    assert patient["identifier"] == [{"system": "urn:ems:incident-patient", "value": "INC-20240501-0042"}]


def test_encounter_is_an_emergency_from_patient_contact_to_handover() -> None:
    (encounter,) = resources(build(stroke_facts()), "Encounter")

    assert encounter["status"] == "finished"
    assert encounter["class"]["code"] == "EMER"
    assert encounter["class"]["system"] == "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    assert encounter["period"] == {"start": "2024-05-01T09:10:00+08:00", "end": "2024-05-01T09:48:00+08:00"}
    assert encounter["identifier"] == [{"system": "urn:ems:incident", "value": "INC-20240501-0042"}]
    assert encounter["serviceProvider"]["display"] == "Zhangzhou Municipal Hospital"
    assert encounter["location"][0]["location"]["identifier"]["value"] == "AMB07"
    nodes = {x["url"].rsplit(":", 1)[1]: x["valueDateTime"] for x in encounter["extension"]}
    assert nodes["call_received"] == "2024-05-01T09:00:00+08:00"
    assert list(nodes) == ["call_received", "dispatched", "on_scene", "patient_contact", "at_hospital"]


def test_encounter_starts_on_scene_when_patient_contact_is_unknown() -> None:
    facts = stroke_facts()
    times = {k: v for k, v in facts.times.items() if k != "patient_contact"}

    (encounter,) = resources(build(replace(facts, times=times)), "Encounter")

    assert encounter["period"]["start"] == "2024-05-01T09:09:00+08:00"


@pytest.mark.parametrize(("level", "code"), [(1, "S"), (2, "EM"), (3, "UR"), (4, "R")])
def test_encounter_priority_follows_the_triage_level(level: int, code: str) -> None:
    (encounter,) = resources(build(replace(stroke_facts(), level=level)), "Encounter")

    assert coded(encounter["priority"], "http://terminology.hl7.org/CodeSystem/v3-ActPriority") == code


def test_triage_level_is_coded_with_its_label_and_reasons() -> None:
    (triage,) = [o for o in resources(build(stroke_facts()), "Observation") if o["code"]["text"].startswith("Emerg")]

    assert triage["code"]["text"] == "Emergency triage level"
    assert triage["valueCodeableConcept"] == {
        "coding": [{"system": "urn:ems:triage-level", "code": "2", "display": "Emergency"}],
        "text": "Emergency",
    }
    assert [n["text"] for n in triage["note"]] == list(stroke_facts().reasons_en)


def test_vitals_carry_loinc_codes_and_ucum_units() -> None:
    observations = observations_by_loinc(build(stroke_facts()), FIRST.at)

    expected = {
        "8867-4": (96, "/min"),
        "9279-1": (18, "/min"),
        "59408-5": (95, "%"),
        "8310-5": (36.8, "Cel"),
        "9269-2": (13, "{score}"),
        "15074-8": (6.1, "mmol/L"),
    }
    for loinc, (value, unit) in expected.items():
        quantity = observations[loinc]["valueQuantity"]
        assert (quantity["value"], quantity["code"], quantity["system"]) == (value, unit, UCUM), loinc
    panel = observations["85354-9"]
    components = {coded(c["code"], LOINC): (c["valueQuantity"]["value"], c["valueQuantity"]["code"]) for c in
                  panel["component"]}  # fmt: skip
    assert components == {"8480-6": (182, "mm[Hg]"), "8462-4": (95, "mm[Hg]")}
    assert observations_by_loinc(build(stroke_facts()), SECOND.at)["19889-5"]["valueQuantity"]["code"] == "mm[Hg]"


def test_vitals_are_final_vital_signs_of_the_patient_in_the_encounter() -> None:
    bundle = build(stroke_facts())
    vitals = [o for o in resources(bundle, "Observation") if o["category"][0]["coding"][0]["code"] == "vital-signs"]

    assert len(vitals) == 12
    assert {o["status"] for o in vitals} == {"final"}
    assert {o["subject"]["reference"] for o in vitals} == {entry_url(bundle, "Patient")}
    assert {o["encounter"]["reference"] for o in vitals} == {entry_url(bundle, "Encounter")}
    by_text = {o["code"]["text"]: o for o in vitals}
    assert by_text["Level of consciousness (ACVPU)"]["valueString"] == "confusion"
    assert by_text["On supplemental oxygen"]["valueBoolean"] is False


def test_news2_is_derived_from_its_own_reading() -> None:
    bundle = build(stroke_facts())
    (news2,) = [o for o in resources(bundle, "Observation") if coded(o["code"], SNOMED) == "1104051000000101"]
    first_vitals = {
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"].get("effectiveDateTime") == FIRST.at.isoformat() and e["resource"] is not news2
    }

    assert news2["valueInteger"] == 4
    assert news2["effectiveDateTime"] == FIRST.at.isoformat()
    assert len(first_vitals) == 9
    assert {r["reference"] for r in news2["derivedFrom"]} == first_vitals


def test_conditions_hold_the_working_diagnosis_and_the_record() -> None:
    diagnosis, atrial_fibrillation = resources(build(stroke_facts()), "Condition")

    assert coded(diagnosis["code"], SNOMED) == "230690007"
    assert diagnosis["category"][0]["coding"][0]["code"] == "encounter-diagnosis"
    assert diagnosis["verificationStatus"]["coding"][0]["code"] == "provisional"
    assert coded(atrial_fibrillation["code"], SNOMED) == "49436004"
    assert atrial_fibrillation["code"]["text"] == "Atrial fibrillation"
    assert atrial_fibrillation["category"][0]["coding"][0]["code"] == "problem-list-item"
    assert atrial_fibrillation["clinicalStatus"]["coding"][0]["code"] == "active"


@pytest.mark.parametrize(
    ("pathway", "snomed"),
    [("chest_pain", "29857009"), ("trauma", "417746004"), ("cardiac_arrest", "410429000"),
     ("critical_maternal", "173300003"), ("critical_neonatal", "414025005")],
)  # fmt: skip
def test_each_pathway_gives_its_snomed_working_diagnosis(pathway: str, snomed: str) -> None:
    diagnosis = resources(build(replace(stroke_facts(), pathway=pathway)), "Condition")[0]

    assert coded(diagnosis["code"], SNOMED) == snomed


def test_record_codes_get_their_system_from_their_shape() -> None:
    conditions = [
        Condition(code="I48.0", display="Paroxysmal atrial fibrillation", clinical_status="active"),
        Condition(code="E11", display="Type 2 diabetes", clinical_status="remission"),
        Condition(code="hypertension-local", display="Hypertension", clinical_status="not-a-status"),
    ]
    facts = stroke_facts()
    assert facts.summary is not None
    summary = facts.summary.model_copy(update={"conditions": conditions})

    _, paroxysmal, diabetes, hypertension = resources(build(replace(facts, summary=summary)), "Condition")

    assert coded(paroxysmal["code"], "http://hl7.org/fhir/sid/icd-10") == "I48.0"
    assert coded(diabetes["code"], "http://hl7.org/fhir/sid/icd-10") == "E11"
    assert diabetes["clinicalStatus"]["coding"][0]["code"] == "remission"
    assert hypertension["code"] == {"text": "Hypertension"}
    assert "clinicalStatus" not in hypertension


def test_allergies_keep_only_valid_criticality_and_categories() -> None:
    facts = stroke_facts()
    assert facts.summary is not None
    latex_allergy = Allergy(substance="Latex", criticality="severe", category=["skin", "environment"])
    allergies = [*facts.summary.allergies, latex_allergy]

    penicillin, latex = resources(
        build(replace(facts, summary=facts.summary.model_copy(update={"allergies": allergies}))), "AllergyIntolerance"
    )

    assert (penicillin["code"]["text"], penicillin["criticality"], penicillin["category"]) == (
        "Penicillin", "high", ["medication"])  # fmt: skip
    assert "criticality" not in latex
    assert latex["category"] == ["environment"]


def test_anticoagulants_travel_with_the_patient() -> None:
    (warfarin,) = resources(build(stroke_facts()), "MedicationStatement")

    assert warfarin["status"] == "active"
    assert warfarin["medicationCodeableConcept"]["text"] == "Warfarin"
    assert coded(warfarin["medicationCodeableConcept"], "http://www.whocc.no/atc") == "B01AA03"
    assert warfarin["note"] == [{"text": "Anticoagulant: bleeding risk"}]


def test_pre_orders_are_service_requests_in_the_encounter() -> None:
    bundle = build(stroke_facts())
    ct_head, bloods = resources(bundle, "ServiceRequest")

    assert (ct_head["status"], ct_head["intent"]) == ("active", "order")
    assert ct_head["authoredOn"] == "2024-05-01T09:20:00+08:00"
    assert coded(ct_head["code"], "urn:ems:preorder") == "ct_head"
    assert ct_head["code"]["text"] == "CT head"
    assert coded(bloods["code"], "urn:ems:preorder") == "bloods"
    assert ct_head["encounter"]["reference"] == entry_url(bundle, "Encounter")


def test_every_reference_resolves_to_an_entry_of_the_bundle() -> None:
    bundle = build(stroke_facts())
    urls = {e["fullUrl"] for e in bundle["entry"]}

    found = list(references(bundle))

    assert len(found) > 30
    assert set(found) <= urls
    patient = entry_url(bundle, "Patient")
    for entry in bundle["entry"]:
        about = entry["resource"].get("subject") or entry["resource"].get("patient")
        assert about is None or about["reference"] == patient


def test_bundle_round_trips_through_fhir_resources() -> None:
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle

    bundle = build(stroke_facts())

    parsed = Bundle.model_validate(bundle)
    assert parsed.model_dump(mode="json", by_alias=True, exclude_none=True) == bundle
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert model.get_resource_type() == resource["resourceType"]


def test_same_facts_give_an_identical_bundle() -> None:
    first = build(stroke_facts())

    assert json.dumps(build(stroke_facts()), sort_keys=True) == json.dumps(first, sort_keys=True)
    other = build(replace(stroke_facts(), incident_id="INC-20240501-0043"))
    assert not {e["fullUrl"] for e in first["entry"]} & {e["fullUrl"] for e in other["entry"]}


def test_unidentified_patient_still_gives_a_valid_bundle() -> None:
    bundle = build(unidentified_facts())

    assert Counter(e["resource"]["resourceType"] for e in bundle["entry"]) == {
        "Patient": 1,
        "Encounter": 1,
        "Observation": 1,
    }
    (patient,) = resources(bundle, "Patient")
    assert patient == {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:ems:incident-patient", "value": "INC-20240501-0042"}],
    }
    validate(bundle)


def test_untriaged_patient_has_no_triage_observation_nor_priority() -> None:
    bundle = build(replace(unidentified_facts(), level=None, level_label_en=None))

    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient", "Encounter"]
    assert "priority" not in resources(bundle, "Encounter")[0]


def test_validate_refuses_an_observation_with_a_bogus_status() -> None:
    bundle = copy.deepcopy(build(stroke_facts()))
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Observation")
    bundle["entry"][index]["resource"]["status"] = "bogus"

    with pytest.raises(ValueError, match=rf"entry {index} \(Observation\) status: 'bogus' is not one of"):
        validate(bundle)


def test_validate_names_the_entry_and_field_of_a_structural_error() -> None:
    bundle = copy.deepcopy(build(stroke_facts()))
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "MedicationStatement")
    del bundle["entry"][index]["resource"]["medicationCodeableConcept"]

    with pytest.raises(ValueError, match=rf"entry {index} \(MedicationStatement\).*medication"):
        validate(bundle)


def test_validate_refuses_a_reference_outside_the_bundle() -> None:
    bundle = copy.deepcopy(build(stroke_facts()))
    bundle["entry"][1]["resource"]["subject"] = {"reference": "urn:uuid:00000000-0000-0000-0000-000000000000"}

    with pytest.raises(ValueError, match="entry 1: reference urn:uuid:00000000-0000-0000-0000-000000000000 is not in"):
        validate(bundle)


def test_build_refuses_an_order_whose_status_is_not_a_service_request_status() -> None:
    facts = stroke_facts()
    orders = [replace(facts.orders[0], status="placed")]

    with pytest.raises(ValueError, match=r"\(ServiceRequest\) status: 'placed'"):
        build(replace(facts, orders=orders))


def test_build_refuses_a_resource_it_built_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a builder bug that drops the Encounter's required class
    encounter = handover._encounter
    monkeypatch.setattr(handover, "_encounter", lambda refs, facts: {
        k: v for k, v in encounter(refs, facts).items() if k != "class"})  # fmt: skip

    with pytest.raises(ValueError, match=r"entry 1 \(Encounter\) class"):
        build(stroke_facts())


def test_build_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build(replace(stroke_facts(), handed_over_at=datetime(2024, 5, 1, 9, 48)))


@pytest.mark.parametrize("value", ["fast", True, float("nan")])
def test_build_refuses_a_vital_that_is_not_a_finite_number(value: Any) -> None:
    reading = Reading(at=T0 + timedelta(minutes=15), values={"hr": value}, source="monitor")

    with pytest.raises(ValueError, match="vital hr must be a finite number"):
        build(replace(stroke_facts(), readings=[reading]))
