"""A resident record as a FHIR R4 Bundle -> the person's lookup keys and a compact summary.

`fhir.resources` is imported inside `parse` only: its models are large and most invocations of the
API never import a bundle (cold start). Every rejection is a 422 whose code names the reason and
whose details name the entry index and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.archive import identity
from chalicelib.archive.schemas import HealthSummary
from chalicelib.archive.summary import summarise
from chalicelib.core.errors import ValidationFailed

SUPPORTED = frozenset({"Patient", "Condition", "AllergyIntolerance", "MedicationStatement", "Observation"})
# Identifier systems whose value is the resident ID card number: the national OID and the project's own.
ID_SYSTEMS = frozenset({"urn:oid:2.16.156.10011.1.1", "urn:ems:resident-id"})
_MAX_DETAILS = 20


class InvalidBundle(ValidationFailed):
    """code: not_a_bundle, unsupported_resource, invalid_resource, no_patient, multiple_patients,
    invalid_id_number, foreign_subject or not_identifiable."""


@dataclass(frozen=True)
class Person:
    id_key: str | None
    phone_key: str | None
    summary: HealthSummary

    @property
    def person_key(self) -> str:
        if self.id_key:
            return self.id_key
        assert self.phone_key is not None  # parse rejects a patient with neither
        # Not the phone key itself: that item is the alias other people may share.
        return "person#" + self.phone_key.split("#", 1)[1]


def _issue(entry: int | None, field: str, message: str) -> dict[str, Any]:
    return {"entry": entry, "field": field, "message": message}


def parse(data: dict[str, Any], key: bytes) -> Person:
    if data.get("resourceType") != "Bundle":
        raise InvalidBundle("the body is not a FHIR Bundle", code="not_a_bundle",
                            details=[_issue(None, "resourceType", "must be Bundle")])  # fmt: skip
    _check_types(data.get("entry"))
    bundle = _validate(data)
    entries = [(i, e.resource) for i, e in enumerate(bundle.entry or []) if e.resource is not None]
    patients = [(i, r) for i, r in entries if r.get_resource_type() == "Patient"]
    if len(patients) != 1:
        code, message = ("no_patient", "the bundle has no Patient") if not patients else (
            "multiple_patients", "the bundle must describe exactly one Patient")  # fmt: skip
        raise InvalidBundle(
            message, code=code, details=[_issue(i, f"entry.{i}.resource", "Patient") for i, _ in patients]
        )
    index, patient = patients[0]
    _check_subjects(bundle, index, patient, entries)
    id_key, phone_key = _keys(index, patient, key)
    return Person(id_key=id_key, phone_key=phone_key, summary=summarise(patient, [r for _, r in entries]))


def _check_types(entries: Any) -> None:
    # fhir.resources fails on an unknown resourceType with a bare KeyError: name it first.
    if not isinstance(entries, list):
        return  # the Bundle model reports the shape
    unsupported = [
        _issue(i, f"entry.{i}.resource.resourceType", f"supported: {', '.join(sorted(SUPPORTED))}")
        for i, e in enumerate(entries)
        if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        and not _supported(e["resource"].get("resourceType"))
    ]  # fmt: skip
    if unsupported:
        raise InvalidBundle("the bundle holds unsupported resources", code="unsupported_resource",
                            details=unsupported[:_MAX_DETAILS])  # fmt: skip


def _supported(resource_type: Any) -> bool:
    return isinstance(resource_type, str) and resource_type in SUPPORTED


def _validate(data: dict[str, Any]) -> Any:
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        return Bundle.model_validate(data)
    except ValidationError as exc:
        issues = []
        for err in exc.errors()[:_MAX_DETAILS]:
            loc = [str(p) for p in err["loc"]]
            entry = int(loc[1]) if len(loc) > 1 and loc[0] == "entry" and loc[1].isdigit() else None
            # The message only: the offending value may be personal data.
            issues.append(_issue(entry, ".".join(loc) or "body", err["msg"].split("\n")[0]))
        raise InvalidBundle("a resource failed FHIR validation", code="invalid_resource", details=issues) from exc


def _check_subjects(bundle: Any, index: int, patient: Any, entries: list[tuple[int, Any]]) -> None:
    """Every resource must be about the bundle's Patient, when it says whom it is about."""
    names = {f"Patient/{patient.id}"} if patient.id else set()
    full_url = bundle.entry[index].fullUrl
    if full_url:
        names.add(str(full_url))
    if not names:
        return
    foreign = []
    for i, resource in entries:
        for attr in ("subject", "patient"):
            ref = getattr(resource, attr, None)
            if ref is not None and ref.reference and ref.reference not in names:
                foreign.append(_issue(i, f"entry.{i}.resource.{attr}.reference", "not the bundle's Patient"))
    if foreign:
        raise InvalidBundle("resources refer to another patient", code="foreign_subject",
                            details=foreign[:_MAX_DETAILS])  # fmt: skip


def _keys(index: int, patient: Any, key: bytes) -> tuple[str | None, str | None]:
    id_key = None
    for j, ident in enumerate(patient.identifier or []):
        if ident.system in ID_SYSTEMS and ident.value:
            problem = identity.id_number_problem(ident.value)
            if problem:
                field = f"entry.{index}.resource.identifier.{j}.value"
                raise InvalidBundle(
                    "the resident ID number is invalid",
                    code="invalid_id_number",
                    details=[_issue(index, field, problem)],
                )
            id_key = identity.id_key(key, ident.value)
            break
    phones = [t.value for t in patient.telecom or [] if t.system == "phone" and t.value]
    family = next((n.family for n in patient.name or [] if n.family), None)
    phone_key = None
    # A partial birthDate ("1950") cannot be matched against the one a crew is told.
    if phones and family and isinstance(patient.birthDate, date):
        phone_key = identity.phone_key(key, phones[0], family, patient.birthDate)
    if id_key is None and phone_key is None:
        need = "needs a resident ID identifier, or phone, family name and birthDate"
        raise InvalidBundle(
            "the Patient cannot be identified",
            code="not_identifiable",
            details=[_issue(index, f"entry.{index}.resource", need)],
        )
    return id_key, phone_key
