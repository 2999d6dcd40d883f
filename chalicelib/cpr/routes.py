"""Caller video and telephone-CPR API.

The caller's routes are public in the gateway's sense and take the caller token (`Authorization:
Bearer <caller_token>`), as `GET /v1/calls/{call_id}` does; the staff's take their ID token.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, union
from chalicelib.core.http import Ctx, route
from chalicelib.cpr.schemas import CallerVideo, CprGuidance, CprQuery, ProgressRequest, ProgressResult, SceneVideo
from chalicelib.healthaccess.api import audited

bp = Blueprint(__name__)
TAGS = ("cpr",)


@route(
    bp,
    "/v1/calls/{call_id}/video",
    "POST",
    summary="The caller shows the scene on video (Bearer caller_token): opens the incident's room if needed and "
    "returns a fresh join as its sender; 409 incident_closed once the incident is closed",
    roles=None,
    response=CallerVideo,
    tags=TAGS,
    errors={409: ("incident_closed",), 503: ("video_unavailable",)},
    caller_token=True,
)
def post_caller_video(ctx: Ctx) -> CallerVideo:
    from chalicelib.cpr.video import caller_join

    return caller_join(ctx.params["call_id"], ctx.header("authorization"), utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}/video/join",
    "POST",
    summary="Watch and coach the caller on video: the dispatcher of the incident's county, or a hospital with "
    "access to the record; recorded as a participant and audited",
    roles=(Role.DISPATCHER, Role.HOSPITAL),
    response=SceneVideo,
    tags=TAGS,
    errors=union(HEALTH_RECORD, {409: ("incident_closed",), 503: ("video_unavailable",)}),
    refused=audited("scene_video.join"),
)
def post_scene_join(ctx: Ctx) -> SceneVideo:
    from chalicelib.cpr.video import staff_join

    return staff_join(ctx.who, ctx.params["incident_id"], utcnow())


@route(
    bp,
    "/v1/calls/{call_id}/cpr",
    "GET",
    summary="Telephone-CPR steps for the caller (Bearer caller_token), zh-CN or en, with the metronome, the "
    "guideline sources and the progress recorded so far",
    roles=None,
    query=CprQuery,
    response=CprGuidance,
    tags=TAGS,
    caller_token=True,
)
def get_cpr(ctx: Ctx) -> CprGuidance:
    from chalicelib.cpr.service import steps_for_caller

    return steps_for_caller(
        ctx.params["call_id"], ctx.header("authorization"), ctx.query, ctx.header("accept-language"), utcnow()
    )


@route(
    bp,
    "/v1/calls/{call_id}/cpr/progress",
    "POST",
    summary="The caller's app records a CPR event (guidance_started, compressions_started, aed_attached, rosc) "
    "as a time node of the incident; the first report stands",
    roles=None,
    body=ProgressRequest,
    response=ProgressResult,
    status=201,
    tags=TAGS,
    errors={409: ("incident_closed",), 422: ("time_in_future", "time_before_call")},
    caller_token=True,
)
def post_caller_progress(ctx: Ctx) -> ProgressResult:
    from chalicelib.core.config import get_settings
    from chalicelib.cpr.service import caller_progress

    return caller_progress(
        ctx.params["call_id"], ctx.header("authorization"), ctx.body, utcnow(), get_settings().max_clock_ahead_s
    )


@route(
    bp,
    "/v1/incidents/{incident_id}/cpr/progress",
    "POST",
    summary="The dispatcher records a CPR event of the incident's telephone CPR; the first report stands; audited",
    roles=(Role.DISPATCHER,),
    body=ProgressRequest,
    response=ProgressResult,
    status=201,
    tags=TAGS,
    errors={404: ("incident_not_found",), 409: ("incident_closed",), 422: ("time_in_future", "time_before_call")},
)
def post_staff_progress(ctx: Ctx) -> ProgressResult:
    from chalicelib.core.config import get_settings
    from chalicelib.cpr.service import staff_progress

    return staff_progress(ctx.who, ctx.params["incident_id"], ctx.body, utcnow(), get_settings().max_clock_ahead_s)
