"""Co-responder API: a fire, police or red cross team shares its live position with the dispatcher,
for the incident's duration only."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.http import Ctx, route
from chalicelib.coresponse.schemas import PositionAccepted, PositionRequest, ResponderList

bp = Blueprint(__name__)
TAGS = ("co-response",)


@route(
    bp,
    "/v1/incidents/{incident_id}/responders/position",
    "POST",
    summary="A co-responding team's live position, while the incident is open and its agency was called "
    "to it; shown to the county desk, deleted when the incident closes",
    roles=(Role.RESPONDER,),
    body=PositionRequest,
    response=PositionAccepted,
    tags=TAGS,
    errors={403: ("agency_not_co_responding",), 409: ("incident_closed",), 422: ("time_in_future", "position_too_old")},
)
def post_position(ctx: Ctx) -> PositionAccepted:
    from chalicelib.coresponse.service import share
    from chalicelib.coresponse.wiring import get_ports

    return share(get_ports(), ctx.who, ctx.params["incident_id"], ctx.body, utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}/responders",
    "GET",
    summary="The co-responding teams sharing their position on the incident, each with its latest fix and "
    "its age; empty once the incident closes (audited)",
    roles=(Role.DISPATCHER, Role.CREW),
    response=ResponderList,
    tags=TAGS,
    errors={403: ("not_assigned",), 404: ("incident_not_found",)},
)
def get_responders(ctx: Ctx) -> ResponderList:
    from chalicelib.coresponse.service import responders
    from chalicelib.coresponse.wiring import get_ports

    return responders(get_ports(), ctx.who, ctx.params["incident_id"], utcnow())
