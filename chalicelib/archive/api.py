"""What other domains may ask of the health archive: a linked patient's summary and its types."""

from __future__ import annotations

from chalicelib.archive.schemas import Allergy, Condition, HealthSummary, Medication
from chalicelib.archive.summary import PREGNANCY_CONDITION

__all__ = ["PREGNANCY_CONDITION", "Allergy", "Condition", "HealthSummary", "Medication", "summary_of"]


def summary_of(person_key: str) -> HealthSummary | None:
    """The archived summary of the person (an incident's `patient_key`), or None."""
    from chalicelib.archive.wiring import get_store

    return get_store().find(person_key).summary
