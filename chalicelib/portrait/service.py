"""Reading an incident's portrait: the access rule and audit, then the facts it is drawn from."""

from __future__ import annotations

from datetime import datetime

from chalicelib.archive.api import HealthSummary
from chalicelib.core.auth import Principal
from chalicelib.portrait.logic import AssessmentFacts, MonitorFacts, build
from chalicelib.portrait.models import Portrait
from chalicelib.triage.schemas import AssessmentInput, TriageResult


def portrait(who: Principal, incident_id: str, now: datetime, *, picture: bool = False) -> Portrait:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "portrait.read", now, "body map" if picture else None)
    return build(
        incident_id,
        assessment=latest_assessment(incident_id),
        monitor=_monitor(incident_id),
        summary=patient_summary(incident_id),
        now=now,
    )


def latest_assessment(incident_id: str) -> AssessmentFacts | None:
    from chalicelib.triage.api import latest_by_person

    # The newest assessment by a person: one the monitor made re-triages vitals only, and the
    # monitor's readings are taken from the readings themselves.
    a = latest_by_person(incident_id, within=20)
    if a is None:
        return None
    return AssessmentFacts(
        at=a.assessed_at,
        input=AssessmentInput.model_validate(a.source),
        result=TriageResult.model_validate(a.result),
    )


def _monitor(incident_id: str) -> MonitorFacts | None:
    from chalicelib.telemetry.readings import newest

    for r in newest(incident_id, None, 1):
        return MonitorFacts(at=r.at, values=dict(r.values), news2=int(r.news2))
    return None


def patient_summary(incident_id: str) -> HealthSummary | None:
    from chalicelib.archive.api import summary_of
    from chalicelib.incidents import api as incidents

    record = incidents.look_up(incident_id, "patient_key")
    if record is None or not record.patient_key:
        return None
    return summary_of(record.patient_key)
