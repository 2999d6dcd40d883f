"""Break-the-glass API: time-boxed emergency access to one incident's health data."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, union
from chalicelib.core.http import Ctx, route
from chalicelib.healthaccess.refusals import audited
from chalicelib.healthaccess.schemas import BreakGlassRequest, GrantView

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/incidents/{incident_id}/break-glass",
    "POST",
    summary="Emergency access to an incident's health data outside the standing rule: reason required, "
    "time-boxed, audited, and the county desk and ops are alerted",
    roles=(Role.CREW, Role.HOSPITAL, Role.DISPATCHER),
    body=BreakGlassRequest,
    response=GrantView,
    status=201,
    tags=("health-access",),
    errors=union(HEALTH_RECORD, {409: ("access_not_needed",)}),
    refused=audited("access.break_glass"),
    description=(
        "For someone without standing access only (409 `access_not_needed`); never for co-responders (403 "
        "`responder_no_health_data`). The grant lasts `minutes`; the county desk and operations are alerted."
    ),
)
def post_break_glass(ctx: Ctx) -> GrantView:
    from chalicelib.healthaccess.service import break_glass
    from chalicelib.healthaccess.wiring import get_ports

    return break_glass(get_ports(), ctx.who, ctx.params["incident_id"], ctx.body, utcnow())
