"""What other domains may ask of the portrait's sources: the crew's latest assessment and the
identified patient's archived summary (the handover bundle carries both)."""

from __future__ import annotations

from chalicelib.archive.api import HealthSummary
from chalicelib.portrait.entities import AssessmentFacts

__all__ = ["AssessmentFacts", "latest_assessment", "patient_summary"]


def latest_assessment(incident_id: str) -> AssessmentFacts | None:
    from chalicelib.portrait.wiring import get_sources

    return get_sources().assessment(incident_id)


def patient_summary(incident_id: str) -> HealthSummary | None:
    from chalicelib.portrait.wiring import get_sources

    return get_sources().summary(incident_id)
