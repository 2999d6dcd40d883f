"""Assessing a patient: who may, what is stored, what the incident learns."""

from __future__ import annotations

import secrets
from datetime import datetime

from chalicelib.core.auth import Principal
from chalicelib.triage.engine import triage
from chalicelib.triage.entities import Assessment
from chalicelib.triage.schemas import AssessmentHistory, AssessmentInput, AssessmentView, TriageResult
from chalicelib.triage.wiring import get_assessment_store


def assess(who: Principal, incident_id: str, inp: AssessmentInput, now: datetime) -> AssessmentView:
    from chalicelib.healthaccess.api import open_record

    # The crew of the unit on the job, or a dispatcher of the incident's county (the route admits no
    # one else: a receiving hospital reads assessments, it does not make them).
    result = triage(inp, now=now)
    open_record(who, incident_id, "assessment.create", now, f"level {result.level}")
    assessment_id = secrets.token_hex(8)
    get_assessment_store().add(Assessment(
        incident_id, assessment_id, now, by=who.subject, role=who.role.value, level=result.level,
        pathway=result.pathway, source=inp.model_dump(mode="json", exclude_none=True),
        result=result.model_dump(mode="json"),
    ))  # fmt: skip
    _tell_incident(incident_id, result, now)
    from chalicelib.workflow.api import Milestone, reached

    reached(incident_id, Milestone.ASSESSED)
    if result.pathway == "cardiac_arrest":
        from chalicelib.volunteers.api import arrest_found

        arrest_found(incident_id)  # e.g. a dispatcher's telephone triage found what the caller did not say
    return AssessmentView(assessment_id=assessment_id, incident_id=incident_id, assessed_at=now, **result.model_dump())


def history(who: Principal, incident_id: str, now: datetime) -> AssessmentHistory:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "assessment.read", now)
    views = [
        AssessmentView(assessment_id=a.assessment_id, incident_id=incident_id, assessed_at=a.assessed_at, **a.result)
        for a in get_assessment_store().of_incident(incident_id)
    ]
    return AssessmentHistory(incident_id=incident_id, assessments=views, count=len(views))


def _tell_incident(incident_id: str, result: TriageResult, now: datetime) -> None:
    """The latest level, pathway and needs on the incident: the board, hospital routing and the unit type read them."""
    from chalicelib.incidents import api as incidents

    needs = [c.value for c in result.required_capabilities]
    incidents.set_assessment(incident_id, result.level, result.pathway, needs, now)
