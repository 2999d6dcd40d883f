"""Assessments API: triage of an incident's patient by its crew or desk, and the history."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE
from chalicelib.core.http import Ctx, route
from chalicelib.healthaccess.api import audited
from chalicelib.triage.schemas import AssessmentHistory, AssessmentInput, AssessmentView

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/incidents/{incident_id}/assessments",
    "POST",
    summary="Triage the patient: level (1-4), pathway, required hospital capabilities, NEWS2, the rules that fired",
    roles=(Role.CREW, Role.DISPATCHER),
    body=AssessmentInput,
    response=AssessmentView,
    status=201,
    tags=("triage",),
    errors=HEALTH_RECORD,
    refused=audited("assessment.create"),
    description=HEALTH_RECORD_RULE,
)
def post_assessment(ctx: Ctx) -> AssessmentView:
    from chalicelib.triage.service import assess

    return assess(ctx.who, ctx.params["incident_id"], ctx.body, utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}/assessments",
    "GET",
    summary="The incident's assessments, oldest first (assigned crew, county dispatcher, receiving hospital)",
    roles=(Role.CREW, Role.DISPATCHER, Role.HOSPITAL),
    response=AssessmentHistory,
    tags=("triage",),
    errors=HEALTH_RECORD,
    refused=audited("assessment.read"),
    description=HEALTH_RECORD_RULE,
)
def get_assessments(ctx: Ctx) -> AssessmentHistory:
    from chalicelib.triage.service import history

    return history(ctx.who, ctx.params["incident_id"], utcnow())
