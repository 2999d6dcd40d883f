"""Readings API: an incident's monitor readings for the people who treat or receive the patient."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE
from chalicelib.core.http import Ctx, route
from chalicelib.healthaccess.refusals import audited
from chalicelib.telemetry.schemas_api import ReadingList, ReadingsQuery

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/incidents/{incident_id}/vitals",
    "GET",
    summary="The incident's monitor readings with NEWS2 (assigned crew, county dispatcher, receiving hospital)",
    roles=(Role.CREW, Role.DISPATCHER, Role.HOSPITAL),
    query=ReadingsQuery,
    response=ReadingList,
    tags=("telemetry",),
    errors=HEALTH_RECORD,
    refused=audited("vitals.read"),
    description=HEALTH_RECORD_RULE,
)
def get_readings(ctx: Ctx) -> ReadingList:
    from chalicelib.telemetry.readings import incident_readings

    return incident_readings(ctx.who, ctx.params["incident_id"], ctx.query, utcnow())
