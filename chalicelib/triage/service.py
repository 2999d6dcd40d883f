"""Assessing a patient: who may, what is stored, what the incident learns."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from pynamodb.expressions.update import Action

from chalicelib.core.auth import Principal
from chalicelib.core.tables import bound
from chalicelib.triage.dal import AssessmentRecord
from chalicelib.triage.engine import triage
from chalicelib.triage.models import AssessmentInput, TriageResult
from chalicelib.triage.schemas import AssessmentHistory, AssessmentView


def assess(who: Principal, incident_id: str, inp: AssessmentInput, now: datetime) -> AssessmentView:
    from chalicelib.healthaccess.api import open_record

    # The crew of the unit on the job, or a dispatcher of the incident's county (the route admits no
    # one else: a receiving hospital reads assessments, it does not make them).
    result = triage(inp, now=now)
    open_record(who, incident_id, "assessment.create", now, f"level {result.level}")
    assessment_id = secrets.token_hex(8)
    record = bound(AssessmentRecord)(
        incident_id, f"{now.astimezone(UTC).isoformat()}#{assessment_id}", assessment_id=assessment_id,
        assessed_at=now, by=who.subject, role=who.role.value, level=result.level, pathway=result.pathway,
        source=inp.model_dump(mode="json", exclude_none=True), result=result.model_dump(mode="json"),
    )  # fmt: skip
    record.save()
    _tell_incident(incident_id, result, now)
    from chalicelib.workflow.milestones import Milestone, reached

    reached(incident_id, Milestone.ASSESSED)
    if result.pathway == "cardiac_arrest":
        from chalicelib.volunteers.handlers import arrest_found

        arrest_found(incident_id)  # e.g. a dispatcher's telephone triage found what the caller did not say
    return AssessmentView(assessment_id=assessment_id, incident_id=incident_id, assessed_at=now, **result.model_dump())


def history(who: Principal, incident_id: str, now: datetime) -> AssessmentHistory:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "assessment.read", now)
    views = [
        AssessmentView(assessment_id=r.assessment_id, incident_id=incident_id, assessed_at=r.assessed_at, **r.result)
        for r in bound(AssessmentRecord).query(incident_id)
    ]
    return AssessmentHistory(incident_id=incident_id, assessments=views, count=len(views))


def _tell_incident(incident_id: str, result: TriageResult, now: datetime) -> None:
    """The latest level, pathway and needs on the incident: the board, hospital routing and the unit type read them."""
    from chalicelib.incidents.dal import IncidentRecord

    actions: list[Action] = [IncidentRecord.triage_level.set(result.level), IncidentRecord.updated_at.set(now)]
    pathway, needs = result.pathway, {c.value for c in result.required_capabilities}
    actions.append(IncidentRecord.pathway.set(pathway) if pathway else IncidentRecord.pathway.remove())
    r = IncidentRecord.required_capabilities
    actions.append(r.set(needs) if needs else r.remove())
    bound(IncidentRecord)(incident_id).update(actions=actions, condition=IncidentRecord.incident_id.exists())
