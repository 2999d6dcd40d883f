"""Volunteer API: registry, duty and location, cardiac-arrest alerts, and the dispatcher's view; and the
alert rounds' Lambda entry points (the call-to-admission and `first_response` workflows' steps)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.http import Ctx, route
from chalicelib.core.lambdas import lambda_function
from chalicelib.volunteers.schemas import (
    AlertList,
    AlertView,
    DutyRequest,
    IncidentResponders,
    LocationUpdate,
    NodeReport,
    SceneSafety,
    VolunteerProfile,
    VolunteerRegistration,
)

bp = Blueprint(__name__)
TAGS = ("volunteers",)
VOLUNTEER = (Role.VOLUNTEER,)


@route(bp, "/v1/volunteers", "POST", summary="Register a certified first-aider (administrators)",
       roles=(Role.ADMIN,), body=VolunteerRegistration, response=VolunteerProfile, status=201, tags=TAGS,
       errors={409: ("volunteer_exists",)},
       description=("The id is also the `volunteer:<id>` scope of their sign-in; an id already registered is 409 "
                    "`volunteer_exists`. Only volunteers with a certificate valid today are alerted."))  # fmt: skip
def post_volunteer(ctx: Ctx) -> VolunteerProfile:
    from chalicelib.volunteers.registry import register

    return register(ctx.who, ctx.body, utcnow())


@route(bp, "/v1/volunteers/me", "GET", summary="My registration, certificate and duty",
       roles=VOLUNTEER, response=VolunteerProfile, tags=TAGS,
       errors={404: ("volunteer_not_found",)})  # fmt: skip
def get_me(ctx: Ctx) -> VolunteerProfile:
    from chalicelib.volunteers.registry import me

    return me(ctx.who, utcnow())


@route(bp, "/v1/volunteers/me/duty", "PUT",
       summary="Go on duty (with where I am) or off duty (my position is dropped)",
       roles=VOLUNTEER, body=DutyRequest, response=VolunteerProfile, tags=TAGS,
       errors={404: ("volunteer_not_found",), 409: ("not_on_duty",)})  # fmt: skip
def put_duty(ctx: Ctx) -> VolunteerProfile:
    from chalicelib.volunteers.registry import duty

    return duty(ctx.who, ctx.body, utcnow())


@route(bp, "/v1/volunteers/me/location", "PUT",
       summary="Where I am, while on duty: too old a position is not alerted on",
       roles=VOLUNTEER, body=LocationUpdate, response=VolunteerProfile, tags=TAGS,
       errors={404: ("volunteer_not_found",), 409: ("not_on_duty",)},
       description=("Only while on duty (409 `not_on_duty`)."))  # fmt: skip
def put_location(ctx: Ctx) -> VolunteerProfile:
    from chalicelib.volunteers.registry import locate

    return locate(ctx.who, ctx.body, utcnow())


@route(bp, "/v1/volunteers/me/alerts", "GET", summary="My cardiac-arrest alerts, newest first",
       roles=VOLUNTEER, response=AlertList, tags=TAGS)  # fmt: skip
def get_my_alerts(ctx: Ctx) -> AlertList:
    from chalicelib.volunteers.answers import mine

    return mine(ctx.who)


@route(bp, "/v1/alerts/{alert_id}/accept", "POST", summary="I am going: the exact place is shown",
       roles=VOLUNTEER, response=AlertView, tags=TAGS,
       errors={404: ("alert_not_found",), 409: ("alert_not_open", "volunteer_engaged")},
       description=("Only the alerted volunteer; an alert that moved on, was withdrawn or answered is 409 "
                    "`alert_not_open`; a volunteer on another arrest is 409 `volunteer_engaged`."))  # fmt: skip
def post_accept(ctx: Ctx) -> AlertView:
    from chalicelib.volunteers.answers import accept

    return accept(ctx.who, ctx.params["alert_id"], utcnow())


@route(bp, "/v1/alerts/{alert_id}/decline", "POST", summary="I cannot go: the next nearest is asked at once",
       roles=VOLUNTEER, response=AlertView, tags=TAGS,
       errors={404: ("alert_not_found",), 409: ("alert_not_open",)})  # fmt: skip
def post_decline(ctx: Ctx) -> AlertView:
    from chalicelib.volunteers.answers import decline

    return decline(ctx.who, ctx.params["alert_id"], utcnow())


@route(bp, "/v1/alerts/{alert_id}/status", "POST",
       summary="What I did, as a time node: on my way, AED fetched, on scene, CPR started, AED attached, handed over",
       roles=VOLUNTEER, body=NodeReport, response=AlertView, tags=TAGS,
       errors={404: ("alert_not_found",), 409: ("alert_not_accepted",),
               422: ("time_in_future", "time_before_alert")})  # fmt: skip
def post_status(ctx: Ctx) -> AlertView:
    from chalicelib.volunteers.answers import report

    return report(ctx.who, ctx.params["alert_id"], ctx.body, utcnow())


@route(bp, "/v1/incidents/{incident_id}/volunteers", "GET",
       summary="Volunteers alerted for the incident and how they answered (dispatchers see who accepted)",
       roles=(Role.DISPATCHER, Role.CREW), response=IncidentResponders, tags=TAGS,
       errors={403: ("not_assigned",), 404: ("incident_not_found",)})  # fmt: skip
def get_incident_volunteers(ctx: Ctx) -> IncidentResponders:
    from chalicelib.volunteers.desk import responders

    return responders(ctx.who, ctx.params["incident_id"])


@route(bp, "/v1/incidents/{incident_id}/scene-safety", "PUT",
       summary="Flag the scene unsafe (volunteers are stood down and no one new is asked) or safe again",
       roles=(Role.DISPATCHER,), body=SceneSafety, response=IncidentResponders, tags=TAGS,
       errors={403: ("not_assigned",), 404: ("incident_not_found",), 409: ("incident_closed",)})  # fmt: skip
def put_scene_safety(ctx: Ctx) -> IncidentResponders:
    from chalicelib.volunteers.desk import scene_safety

    return scene_safety(ctx.who, ctx.params["incident_id"], ctx.body, utcnow())


# -- Lambda entry points ------------------------------------------------------------------------------


@lambda_function(bp, name="alert_responders")
def alert_responders(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.volunteers import service

    return service.alert_responders(str(event["incident_id"]))


@lambda_function(bp, name="volunteer_round")
def volunteer_round(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.volunteers import service

    return service.volunteer_round(
        str(event["incident_id"]),
        first=bool(event.get("first")),
        generation=int(event.get("generation") or 0),
        error=event.get("error"),
    )
