"""The archive's summary of a person and the bodies of its API."""

from __future__ import annotations

from datetime import date
from typing import Self

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from chalicelib.archive.identity import id_number_problem
from chalicelib.core.bounds import BirthDate
from chalicelib.core.model import Model, storable_problem

# Digits with the usual separators and an optional +86: letters are refused, never dropped.
PHONE = r"^\+?[0-9 ()-]{5,31}$"


class Condition(Model):
    code: str | None = None
    display: str | None = None
    clinical_status: str | None = None


class Allergy(Model):
    substance: str | None = None
    criticality: str | None = None
    category: list[str] = Field(default_factory=list, description="e.g. medication, food")


class Medication(Model):
    display: str | None = None
    code: str | None = None
    anticoagulant: bool = Field(False, description="Matches the documented anticoagulant list")


class Observation(Model):
    code: str | None = None
    display: str | None = None
    value: str | float | None = None
    unit: str | None = None
    time: str | None = None


class HealthSummary(Model):
    """What a crew needs at the scene; the bundle itself is not kept."""

    name: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    conditions: list[Condition] = Field(default_factory=list)
    allergies: list[Allergy] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    anticoagulated: bool = False
    observations: list[Observation] = Field(default_factory=list, description="Most recent first")
    pregnancy: str | None = Field(None, description="Pregnancy status when the record states one")


class BundleBody(Model):
    """A FHIR R4 Bundle, validated by the import itself (the reasons name the entry and field)."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    @model_validator(mode="after")
    def _storable_numbers(self, info: ValidationInfo) -> Self:
        # Its fields are all extra, so the base model's check of each field does not see them.
        if info.mode == "json":
            problem = storable_problem(self.model_extra)
            if problem:
                raise ValueError(f"a number {problem}")
        return self


class ImportCounts(Model):
    conditions: int
    allergies: int
    medications: int
    observations: int


class ImportResult(Model):
    person_key: str = Field(description="Keyed hash the person is stored under (never the ID number)")
    lookups: list[str] = Field(description="How the person can be identified: id_number, phone")
    counts: ImportCounts
    anticoagulated: bool


class IdentifyInput(Model):
    """Either the ID card's number, or phone + family name + birth date."""

    id_number: str | None = Field(None, repr=False, max_length=32)
    phone: str | None = Field(None, repr=False, max_length=32, pattern=PHONE)
    family_name: str | None = Field(None, max_length=64)
    birth_date: BirthDate | None = None

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str | None) -> str | None:
        problem = id_number_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        by_phone = (self.phone, self.family_name, self.birth_date)
        if self.id_number is None and not all(v not in (None, "") for v in by_phone):
            raise ValueError("send id_number, or phone, family_name and birth_date")
        return self


class IdentifyResult(Model):
    matched: bool
    reason: str | None = Field(None, description="no_record, or ambiguous when several people share the key")
    summary: HealthSummary | None = None
