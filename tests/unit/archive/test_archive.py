"""Health archive: resident ID check digits, keyed lookup hashes, and FHIR bundle import."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.archive import identity
from chalicelib.archive.bundle import InvalidBundle, parse
from chalicelib.archive.schemas import IdentifyInput

KEY = b"unit-test-identity-key"
ID_NUMBER = "11010519491231002X"  # the standard's own example
PHONE = "+86 138-0013-8000"


def resident_bundle() -> dict[str, Any]:
    patient_ref = {"reference": "urn:uuid:patient-1"}
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:patient-1",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [
                        {"system": "http://example.org/mrn", "value": "MRN-7"},
                        {"system": "urn:oid:2.16.156.10011.1.1", "value": ID_NUMBER},
                    ],
                    "name": [{"use": "official", "family": "张", "given": ["伟"], "text": "张伟"}],
                    "telecom": [{"system": "phone", "value": PHONE, "use": "mobile"}],
                    "gender": "male",
                    "birthDate": "1949-12-31",
                },
            },
            {
                "resource": {
                    "resourceType": "Condition",
                    "subject": patient_ref,
                    "clinicalStatus": {
                        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                    "code": "active"}]
                    },
                    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "49436004",
                                         "display": "Atrial fibrillation"}], "text": "心房颤动"},
                }
            },
            {
                "resource": {
                    "resourceType": "AllergyIntolerance",
                    "patient": patient_ref,
                    "category": ["medication"],
                    "criticality": "high",
                    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "764146007",
                                         "display": "Penicillin"}]},
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "status": "active",
                    "subject": patient_ref,
                    "medicationCodeableConcept": {"coding": [{"system": "http://www.whocc.no/atc",
                                                              "code": "B01AA03", "display": "华法林钠片"}]},
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "status": "active",
                    "subject": patient_ref,
                    "medicationCodeableConcept": {"text": "Metoprolol 47.5 mg"},
                }
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "subject": patient_ref,
                    "code": {"coding": [{"system": "http://loinc.org", "code": "34714-6", "display": "INR"}]},
                    "effectiveDateTime": "2025-03-01T09:30:00+08:00",
                    "valueQuantity": {"value": 2.6, "unit": "{INR}"},
                }
            },
        ],
    }  # fmt: skip


# --- resident ID numbers -------------------------------------------------------------------------


def test_the_check_digit_follows_gb_11643() -> None:
    assert identity.check_digit("11010519491231002") == "X"
    assert identity.id_number_problem(ID_NUMBER) is None
    assert identity.id_number_problem(ID_NUMBER.lower()) is None  # a reader may send a lower-case x


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491231002", "17 digits"),
        ("1101051949123100XX", "17 digits"),
        ("110105194913310027", "birth date"),
    ],
)
def test_a_wrong_id_number_is_named_without_echoing_it(value: str, why: str) -> None:
    problem = identity.id_number_problem(value)
    assert problem is not None and why in problem and value not in problem


def test_the_identify_body_refuses_a_bad_id_number_on_its_field() -> None:
    with pytest.raises(ValidationError) as err:
        IdentifyInput.model_validate({"id_number": "110105194912310021"})
    assert err.value.errors()[0]["loc"] == ("id_number",)
    with pytest.raises(ValidationError):
        IdentifyInput.model_validate({"phone": PHONE, "family_name": "张"})  # no birth date
    assert "110105" not in repr(IdentifyInput.model_validate({"id_number": ID_NUMBER}))


# --- keyed hashes --------------------------------------------------------------------------------


def test_lookup_keys_are_keyed_deterministic_and_never_hold_the_number() -> None:
    a = identity.id_key(KEY, ID_NUMBER)
    assert a == identity.id_key(KEY, ID_NUMBER.lower()) and a.startswith("id#")
    assert a != identity.id_key(b"another key", ID_NUMBER)
    assert ID_NUMBER not in a and ID_NUMBER.lower() not in a and "19491231" not in a


def test_the_phone_key_normalises_the_number_and_the_name() -> None:
    born = date(1949, 12, 31)
    k = identity.phone_key(KEY, PHONE, "张", born)
    assert k == identity.phone_key(KEY, "13800138000", " 张 ", born) and k.startswith("ph#")
    assert k != identity.phone_key(KEY, "13800138000", "张", date(1950, 1, 1))
    assert "13800138000" not in k


# --- bundle import -------------------------------------------------------------------------------


def test_a_resident_bundle_becomes_keys_and_a_summary() -> None:
    person = parse(resident_bundle(), KEY)
    assert person.person_key == identity.id_key(KEY, ID_NUMBER)
    assert person.phone_key == identity.phone_key(KEY, "13800138000", "张", date(1949, 12, 31))
    s = person.summary
    assert (s.name, s.gender, s.birth_date) == ("张伟", "male", date(1949, 12, 31))
    assert [(c.code, c.display, c.clinical_status) for c in s.conditions] == [("49436004", "心房颤动", "active")]
    assert [(a.substance, a.criticality, a.category) for a in s.allergies] == [("Penicillin", "high", ["medication"])]
    assert [(m.display, m.anticoagulant) for m in s.medications] == [
        ("华法林钠片", True),
        ("Metoprolol 47.5 mg", False),
    ]
    assert s.anticoagulated and s.pregnancy is None
    assert [(o.code, o.value, o.unit, o.time) for o in s.observations] == [
        ("34714-6", 2.6, "{INR}", "2025-03-01T01:30:00+00:00")
    ]
    assert ID_NUMBER not in s.model_dump_json() and "13800138000" not in s.model_dump_json()


def test_a_pregnancy_status_observation_is_kept_apart() -> None:
    bundle = resident_bundle()
    bundle["entry"].append({"resource": {
        "resourceType": "Observation", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]},
        "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "77386006",
                                             "display": "Pregnant"}]},
    }})  # fmt: skip
    s = parse(bundle, KEY).summary
    assert s.pregnancy == "Pregnant" and len(s.observations) == 1


def test_a_patient_without_an_id_number_is_stored_by_phone_name_and_birth_date() -> None:
    bundle = resident_bundle()
    bundle["entry"][0]["resource"]["identifier"] = []
    person = parse(bundle, KEY)
    assert person.id_key is None and person.phone_key
    assert person.person_key.startswith("person#") and person.person_key != person.phone_key


def _rejected(bundle: dict[str, Any]) -> InvalidBundle:
    with pytest.raises(InvalidBundle) as err:
        parse(bundle, KEY)
    assert err.value.status == 422
    return err.value


def _mutated(change: Any) -> dict[str, Any]:
    bundle = copy.deepcopy(resident_bundle())
    change(bundle)
    return bundle


@pytest.mark.parametrize(
    ("change", "code", "entry", "field"),
    [
        (lambda b: b.update(resourceType="Patient"), "not_a_bundle", None, "resourceType"),
        (lambda b: b["entry"].append({"resource": {"resourceType": "Encounter", "status": "finished"}}),
         "unsupported_resource", 6, "entry.6.resource.resourceType"),
        (lambda b: b["entry"][1]["resource"].update(clinicalStatus="active"),
         "invalid_resource", 1, "entry.1.resource.clinicalStatus"),
        (lambda b: b["entry"][0]["resource"].update(birthDate="1949-13-31"),
         "invalid_resource", 0, "entry.0.resource.birthDate"),
        (lambda b: b["entry"].pop(0), "no_patient", None, None),
        (lambda b: b["entry"].append(copy.deepcopy(b["entry"][0])), "multiple_patients", 6, "entry.6.resource"),
        (lambda b: b["entry"][0]["resource"]["identifier"][1].update(value="110105194912310021"),
         "invalid_id_number", 0, "entry.0.resource.identifier.1.value"),
        (lambda b: b["entry"][2]["resource"].update(patient={"reference": "Patient/someone-else"}),
         "foreign_subject", 2, "entry.2.resource.patient.reference"),
        (lambda b: b["entry"][0]["resource"].update(identifier=[], telecom=[]),
         "not_identifiable", 0, "entry.0.resource"),
    ],
)  # fmt: skip
def test_an_invalid_bundle_is_refused_with_its_reason(change: Any, code: str, entry: int | None, field: str) -> None:
    err = _rejected(_mutated(change))
    assert err.code == code
    if field is not None:
        assert {"entry": entry, "field": field} in [{"entry": d["entry"], "field": d["field"]} for d in err.details]
    assert "110105194912310021" not in str(err.body())
