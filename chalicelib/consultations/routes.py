"""Consultations API: a remote multi-disciplinary session between the ambulance and hospital experts."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.consultations.schemas import CloseRequest, ConsultationList, ConsultationRequest, ConsultationView
from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE, union
from chalicelib.core.http import Ctx, route
from chalicelib.healthaccess.api import audited

bp = Blueprint(__name__)


def CONSULTATION(params: dict[str, str]) -> str | None:
    """The incident a refused request on the consultation concerned (for its audit entry)."""
    from chalicelib.consultations.service import incident_of
    from chalicelib.consultations.wiring import get_ports

    return incident_of(get_ports(), params["consultation_id"])


TAGS = ("consultations",)
PEOPLE = (Role.CREW, Role.DISPATCHER, Role.HOSPITAL)


@route(
    bp,
    "/v1/incidents/{incident_id}/consultations",
    "POST",
    summary="Request a consultation with specialties of a hospital (default: the accepting one); its experts are "
    "notified and may see the record for the session; returns the requester's video join",
    roles=PEOPLE,
    body=ConsultationRequest,
    response=ConsultationView,
    status=201,
    tags=TAGS,
    errors=union(HEALTH_RECORD, {422: ("unknown_hospital",), 503: ("video_unavailable",)}),
    refused=audited("consultation.create"),
)
def post_consultation(ctx: Ctx) -> ConsultationView:
    from chalicelib.consultations.adapters.bookings import BookingsApi
    from chalicelib.consultations.service import request
    from chalicelib.consultations.wiring import get_ports

    return request(get_ports(), BookingsApi(), ctx.who, ctx.params["incident_id"], ctx.body, utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}/consultations",
    "GET",
    summary="The incident's consultations: participants, times and outcomes",
    roles=PEOPLE,
    response=ConsultationList,
    tags=TAGS,
    errors=HEALTH_RECORD,
    refused=audited("consultations.read"),
    description=HEALTH_RECORD_RULE,
)
def get_consultations(ctx: Ctx) -> ConsultationList:
    from chalicelib.consultations.service import of_incident
    from chalicelib.consultations.wiring import get_ports

    return of_incident(get_ports(), ctx.who, ctx.params["incident_id"], utcnow())


@route(
    bp,
    "/v1/consultations/{consultation_id}/join",
    "POST",
    summary="Join the session: recorded as a participant; returns what the app needs to join the video",
    roles=PEOPLE,
    response=ConsultationView,
    tags=TAGS,
    errors=union(
        HEALTH_RECORD, {404: ("consultation_not_found",), 409: ("consultation_closed",), 503: ("video_unavailable",)}
    ),
    refused=audited("consultation.join", incident=CONSULTATION),
)
def post_join(ctx: Ctx) -> ConsultationView:
    from chalicelib.consultations.service import join
    from chalicelib.consultations.wiring import get_ports

    return join(get_ports(), ctx.who, ctx.params["consultation_id"], utcnow())


@route(
    bp,
    "/v1/consultations/{consultation_id}/leave",
    "POST",
    summary="Leave the session (the time is recorded)",
    roles=PEOPLE,
    response=ConsultationView,
    tags=TAGS,
    errors=union(HEALTH_RECORD, {404: ("consultation_not_found",)}),
    refused=audited("consultation.leave", incident=CONSULTATION),
)
def post_leave(ctx: Ctx) -> ConsultationView:
    from chalicelib.consultations.service import leave
    from chalicelib.consultations.wiring import get_ports

    return leave(get_ports(), ctx.who, ctx.params["consultation_id"], utcnow())


@route(
    bp,
    "/v1/consultations/{consultation_id}/close",
    "POST",
    summary="Close the session with its outcome; the video room is removed",
    roles=PEOPLE,
    body=CloseRequest,
    response=ConsultationView,
    tags=TAGS,
    errors=union(HEALTH_RECORD, {404: ("consultation_not_found",), 409: ("consultation_closed",)}),
    refused=audited("consultation.close", incident=CONSULTATION),
)
def post_close(ctx: Ctx) -> ConsultationView:
    from chalicelib.consultations.service import close
    from chalicelib.consultations.wiring import get_ports

    return close(get_ports(), ctx.who, ctx.params["consultation_id"], ctx.body, utcnow())
