"""Reading an incident's portrait: the access rule and audit, then the facts it is drawn from."""

from __future__ import annotations

from datetime import datetime

from chalicelib.archive.models import HealthSummary
from chalicelib.core.auth import Principal
from chalicelib.core.tables import bound
from chalicelib.portrait.logic import AssessmentFacts, MonitorFacts, build
from chalicelib.portrait.models import Portrait
from chalicelib.triage.models import AssessmentInput, TriageResult


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
    from chalicelib.triage.dal import AssessmentRecord

    # The newest assessment by a person: one the monitor made re-triages vitals only, and the
    # monitor's readings are taken from the readings themselves.
    for r in bound(AssessmentRecord).query(incident_id, scan_index_forward=False, limit=20):
        if r.role == "device":
            continue
        return AssessmentFacts(
            at=r.assessed_at,
            input=AssessmentInput.model_validate(r.source),
            result=TriageResult.model_validate(r.result),
        )
    return None


def _monitor(incident_id: str) -> MonitorFacts | None:
    from chalicelib.telemetry.readings import newest

    for r in newest(incident_id, None, 1):
        return MonitorFacts(at=r.at, values=dict(r.values), news2=int(r.news2))
    return None


def patient_summary(incident_id: str) -> HealthSummary | None:
    from chalicelib.archive.deps import get_store
    from chalicelib.incidents.dal import IncidentRecord

    try:
        record = bound(IncidentRecord).get(incident_id, attributes_to_get=["incident_id", "patient_key"])
    except IncidentRecord.DoesNotExist:
        return None
    if not record.patient_key:
        return None
    return get_store().find(record.patient_key).summary
