"""What other domains may ask of triage: an incident's assessments, and the monitor's re-triage."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.triage.entities import Assessment
from chalicelib.triage.wiring import get_assessment_store

__all__ = ["Assessment", "assessments_of", "crew_assessed", "latest_by_person", "record_device_assessment"]


def assessments_of(incident_id: str) -> list[Assessment]:
    """Oldest first."""
    return get_assessment_store().of_incident(incident_id)


def latest_by_person(incident_id: str, *, within: int = 20) -> Assessment | None:
    """The newest assessment by a person among the last `within` (the monitor's re-triage vitals only)."""
    for a in get_assessment_store().of_incident(incident_id, newest_first=True, limit=within):
        if a.by_person:
            return a
    return None


def crew_assessed(incident_id: str) -> bool:
    """Whether a person (not the monitor) has assessed the incident's patient."""
    return any(a.by_person for a in get_assessment_store().of_incident(incident_id))


def record_device_assessment(
    incident_id: str, assessment_id: str, at: datetime, level: int, pathway: str | None,
    source: dict[str, Any], result: dict[str, Any],
) -> None:  # fmt: skip
    """Store a monitor-driven re-triage like a crew's, by "telemetry" in the "device" role."""
    get_assessment_store().add(Assessment(incident_id, assessment_id, at, by="telemetry", role="device",
                                          level=level, pathway=pathway, source=source, result=result))  # fmt: skip
