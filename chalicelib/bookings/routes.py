"""Bookings API: offer the patient to a hospital, the hospital's answer, the inbound board."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.bookings.schemas import (
    Accept,
    BookingList,
    BookingRequest,
    BookingView,
    Cancel,
    Decline,
    InboundBoard,
    ReferralRequest,
)
from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE, union
from chalicelib.core.http import Ctx, route
from chalicelib.core.lambdas import lambda_function
from chalicelib.healthaccess.api import audited

bp = Blueprint(__name__)


def BOOKING(params: dict[str, str]) -> str | None:
    """The incident a refused request on the booking concerned (for its audit entry)."""
    from chalicelib.bookings.service import incident_of

    return incident_of(params["booking_id"])


TAGS = ("bookings",)


@route(
    bp,
    "/v1/incidents/{incident_id}/bookings",
    "POST",
    summary="Offer the patient to a hospital (default: the top option); the hospital is notified and must "
    "answer within EMS_BOOKING_ANSWER_S",
    roles=(Role.CREW, Role.DISPATCHER),
    body=BookingRequest,
    response=BookingView,
    status=201,
    tags=TAGS,
    errors=union(HEALTH_RECORD, {409: ("booking_open", "no_hospital_option"), 422: ("unknown_hospital",)}),
    refused=audited("booking.create"),
    description=HEALTH_RECORD_RULE
    + " One open booking per incident (409 `booking_open`); with no option left, 409 `no_hospital_option`.",
)
def post_booking(ctx: Ctx) -> BookingView:
    from chalicelib.bookings.service import create

    return create(ctx.who, ctx.params["incident_id"], ctx.body, utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}/bookings",
    "GET",
    summary="The incident's bookings, every offer with its answer",
    roles=(Role.CREW, Role.DISPATCHER, Role.HOSPITAL),
    response=BookingList,
    tags=TAGS,
    errors=HEALTH_RECORD,
    refused=audited("bookings.read"),
    description=HEALTH_RECORD_RULE,
)
def get_bookings(ctx: Ctx) -> BookingList:
    from chalicelib.bookings.service import of_incident

    return of_incident(ctx.who, ctx.params["incident_id"], utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}/referrals",
    "POST",
    summary="A hospital that has the patient refers them to another (up or down); the other accepts or "
    "declines like an admission, and acceptance shares the record under the same grant and audit rules",
    roles=(Role.HOSPITAL,),
    body=ReferralRequest,
    response=BookingView,
    status=201,
    tags=TAGS,
    errors=union(
        HEALTH_RECORD,
        {403: ("not_receiving_hospital",), 409: ("referral_open",), 422: ("same_hospital", "unknown_hospital")},
    ),
    refused=audited("referral.create"),
)
def post_referral(ctx: Ctx) -> BookingView:
    from chalicelib.bookings.service import refer

    return refer(ctx.who, ctx.params["incident_id"], ctx.body, utcnow())


@route(
    bp,
    "/v1/bookings/{booking_id}/accept",
    "POST",
    summary="The hospital accepts: pre-registration, pre-orders, green channel, access to the record",
    roles=(Role.HOSPITAL,),
    body=Accept,
    response=BookingView,
    tags=TAGS,
    errors={404: ("booking_not_found",), 409: ("booking_not_open",)},
    refused=audited("booking.accept", incident=BOOKING),
    description="Only the offered hospital, only while the offer is open (409 `booking_not_open`).",
)
def post_accept(ctx: Ctx) -> BookingView:
    from chalicelib.bookings.adapters.workflow import WorkflowAdmissionWatch
    from chalicelib.bookings.service import accept

    return accept(ctx.who, ctx.params["booking_id"], ctx.body, utcnow(), WorkflowAdmissionWatch())


@route(
    bp,
    "/v1/bookings/{booking_id}/decline",
    "POST",
    summary="The hospital declines with a reason; the next option is offered at once",
    roles=(Role.HOSPITAL,),
    body=Decline,
    response=BookingView,
    tags=TAGS,
    errors={404: ("booking_not_found", "incident_not_found"), 409: ("booking_not_open",)},
    refused=audited("booking.decline", incident=BOOKING),
)
def post_decline(ctx: Ctx) -> BookingView:
    from chalicelib.bookings.service import decline

    return decline(ctx.who, ctx.params["booking_id"], ctx.body, utcnow())


@route(
    bp,
    "/v1/bookings/{booking_id}/cancel",
    "POST",
    summary="The crew or the desk withdraws the booking (the hospital is told)",
    roles=(Role.CREW, Role.DISPATCHER),
    body=Cancel,
    response=BookingView,
    tags=TAGS,
    errors=union(HEALTH_RECORD, {404: ("booking_not_found",), 409: ("booking_not_open",)}),
    refused=audited("booking.cancel", incident=BOOKING),
)
def post_cancel(ctx: Ctx) -> BookingView:
    from chalicelib.bookings.service import cancel

    return cancel(ctx.who, ctx.params["booking_id"], ctx.body, utcnow())


@route(
    bp,
    "/v1/hospitals/{hospital_id}/inbound",
    "GET",
    summary="The emergency department's board: patients offered or on their way, with ETA, level, pathway, "
    "pre-orders and the portrait link",
    roles=(Role.HOSPITAL,),
    response=InboundBoard,
    tags=TAGS,
    refused=audited("inbound.read"),
)
def get_inbound(ctx: Ctx) -> InboundBoard:
    from chalicelib.bookings.inbound import board

    return board(ctx.who, ctx.params["hospital_id"], utcnow())


# -- Lambda entry points of the call-to-admission workflow ------------------------------------------


@lambda_function(bp, name="booking_timeout")
def booking_timeout(event: dict[str, Any]) -> dict[str, Any]:
    """The workflow's timer ran out on an offer: expire it and offer the next hospital (a no-op once answered)."""
    from chalicelib.bookings.service import expire

    booking_id = str(event["booking_id"])
    view = expire(booking_id, utcnow())
    if view is None:
        return {"booking_id": booking_id, "expired": False}
    return {"booking_id": booking_id, "expired": True, "next_booking_id": view.next_booking_id}


@lambda_function(bp, name="booking_state")
def booking_state(event: dict[str, Any]) -> dict[str, Any]:
    """The workflow's look at the admission: offer the top hospital if nothing is open (`offer`), expire an
    offer past its time; returns {"state": accepted | waiting | exhausted, "answer_s"}."""
    from chalicelib.bookings.service import workflow_state

    return workflow_state(str(event["incident_id"]), utcnow(), offer=bool(event.get("offer", False)))
