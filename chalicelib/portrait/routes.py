"""Health portrait API: the JSON for apps, and the body map for the ambulance and ED screens."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE
from chalicelib.core.http import Ctx, route
from chalicelib.healthaccess.api import audited
from chalicelib.portrait.schemas import Portrait

bp = Blueprint(__name__)
READERS = (Role.CREW, Role.DISPATCHER, Role.HOSPITAL)


@route(
    bp,
    "/v1/incidents/{incident_id}/portrait",
    "GET",
    summary="Health portrait: level, body regions (green/orange/red with reasons) and flags "
    "(infectious disease and isolation, drug allergies, chronic disease, anticoagulants, pregnancy)",
    roles=READERS,
    response=Portrait,
    tags=("portrait",),
    errors=HEALTH_RECORD,
    refused=audited("portrait.read"),
    description=HEALTH_RECORD_RULE,
)
def get_portrait(ctx: Ctx) -> Portrait:
    from chalicelib.portrait.service import portrait
    from chalicelib.portrait.wiring import get_sources

    return portrait(get_sources(), ctx.who, ctx.params["incident_id"], utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}/portrait.svg",
    "GET",
    summary="The health portrait as a body map (image/svg+xml, zh-CN labels)",
    roles=READERS,
    tags=("portrait",),
    errors=HEALTH_RECORD,
    media_type="image/svg+xml",
    refused=audited("portrait.read"),
    description=HEALTH_RECORD_RULE,
)
def get_portrait_svg(ctx: Ctx) -> Response:
    from chalicelib.portrait.service import portrait
    from chalicelib.portrait.svg import render
    from chalicelib.portrait.wiring import get_sources

    svg = render(portrait(get_sources(), ctx.who, ctx.params["incident_id"], utcnow(), picture=True))
    # Health data: never kept by a shared cache or the browser's disk cache.
    headers: dict[str, str | list[str]] = {"Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "no-store"}
    return Response(body=svg, status_code=200, headers=headers)
