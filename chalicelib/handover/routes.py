"""Handover API: the crew hands the patient over; the hospital fetches the FHIR bundle."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE, union
from chalicelib.core.http import Ctx, route
from chalicelib.handover.schemas import HandoverView
from chalicelib.healthaccess.api import audited

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/incidents/{incident_id}/handover",
    "POST",
    summary="Hand the patient over to the accepting hospital: closes the booking, builds and sends the FHIR R4 "
    "handover Bundle (Encounter, Observations, Conditions, AllergyIntolerance, ServiceRequests)",
    roles=(Role.CREW,),
    response=HandoverView,
    status=201,
    tags=("handover",),
    errors=union(HEALTH_RECORD, {404: ("booking_not_found",), 409: ("no_accepted_booking", "booking_not_open")}),
    refused=audited("handover.create"),
)
def post_handover(ctx: Ctx) -> HandoverView:
    from chalicelib.handover.service import hand_over
    from chalicelib.handover.wiring import get_ports

    return hand_over(get_ports(), ctx.who, ctx.params["incident_id"], utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}/handover",
    "GET",
    summary="The handover Bundle, for the receiving hospital and the crew",
    roles=(Role.CREW, Role.HOSPITAL, Role.DISPATCHER),
    response=HandoverView,
    tags=("handover",),
    errors=union(HEALTH_RECORD, {404: ("handover_not_found",)}),
    refused=audited("handover.read"),
    description=HEALTH_RECORD_RULE,
)
def get_handover(ctx: Ctx) -> HandoverView:
    from chalicelib.handover.service import fetch
    from chalicelib.handover.wiring import get_ports

    return fetch(get_ports(), ctx.who, ctx.params["incident_id"], utcnow())
