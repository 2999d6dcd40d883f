"""Call intake's edge: the callers' and dispatchers' routes, and the workflow's Lambda entry points
on the incident (registered, handed to a dispatcher, reconciled)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalice import Blueprint, Rate

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import QR_KEYS, QR_TOKEN, union
from chalicelib.core.http import Ctx, route
from chalicelib.core.i18n import pick_language
from chalicelib.core.lambdas import lambda_function, schedule
from chalicelib.core.workflows import get_starter
from chalicelib.dispatch.schemas import IncidentDetail
from chalicelib.incidents import service
from chalicelib.incidents.idempotency import run_once
from chalicelib.incidents.schemas import (
    CallCreated,
    CallRequest,
    CallStatus,
    IncidentCreated,
    IncidentRequest,
)

bp = Blueprint(__name__)

# Long enough for a normal start to register, short enough that a stuck call waits ~1 min.
RECONCILE_GRACE = timedelta(seconds=45)


@route(
    bp,
    "/v1/calls",
    "POST",
    summary="A resident's call: QR doorplate scan or phone location (public)",
    roles=None,
    body=CallRequest,
    response=CallCreated,
    status=201,
    tags=("calls",),
    errors=union(
        QR_TOKEN,
        QR_KEYS,
        {
            400: ("invalid_idempotency_key",),
            409: ("address_retired", "idempotency_key_reused", "request_in_progress"),
            422: ("location_required", "out_of_service_area"),
            429: ("rate_limited",),
        },
    ),
    description=(
        "Send either `qr_token` (the place comes from the token alone) or `location` (else 422 "
        "`location_required`). A second call from the same door, or within 50 m in 10 minutes, joins the open"
        " incident (`linked`). With `Idempotency-Key` (8-128 of `[A-Za-z0-9_-:.]`) a retry gets the first "
        "answer; the same key with another body is 409 `idempotency_key_reused`, one still running 409 "
        "`request_in_progress`. At most 10 calls a minute per client and doorplate (429 `rate_limited`, "
        "`details.retry_after_s`). The `caller_token` of the answer opens this call's caller routes."
    ),
)
def create_call(ctx: Ctx) -> CallCreated:
    req: CallRequest = ctx.body
    # Flood check per client and door, after the token's signature (entities.FloodLimits).
    client = ctx.source_ip or "unknown"
    now = utcnow()
    key = ctx.header("idempotency-key")
    if key is None:
        return service.new_call(req, now, client)
    body = req.model_dump(mode="json")
    return CallCreated.model_validate(
        run_once(
            "calls", key, body, lambda: service.new_call(req, now, client).model_dump(mode="json"), ctx.lambda_context
        )
    )


@route(
    bp,
    "/v1/calls/{call_id}",
    "GET",
    summary="The caller's view of their call (Bearer caller_token)",
    roles=None,
    response=CallStatus,
    tags=("calls",),
    caller_token=True,
    description=(
        "Only with this call's `caller_token` (403 `not_your_call` for another call's). For a cardiac arrest,"
        " while the incident is open, it carries CPR guidance and the usable AEDs nearby."
    ),
)
def get_call(ctx: Ctx) -> CallStatus:
    lang = pick_language(ctx.header("accept-language"))
    return service.call_status(ctx.params["call_id"], ctx.header("authorization"), lang, utcnow())


@route(
    bp,
    "/v1/incidents",
    "POST",
    summary="Open an incident for a call taken by phone",
    roles=(Role.DISPATCHER,),
    body=IncidentRequest,
    response=IncidentCreated,
    status=201,
    tags=("incidents",),
    errors={404: ("address_not_found",), 409: ("address_retired",), 422: ("location_required", "out_of_service_area")},
    description=(
        "The dispatcher must be scoped to the county of the place (403 `scope_denied`); a place outside the "
        "service area is 422 `out_of_service_area`, a retired address 409 `address_retired`."
    ),
)
def create_incident(ctx: Ctx) -> IncidentCreated:
    req: IncidentRequest = ctx.body
    loc = service.dispatcher_location(req)
    ctx.who.require_scope("county", loc.county)
    return service.dispatcher_incident(req, loc, utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}",
    "GET",
    summary="An incident with every call linked to it, its recommendations and its assignment",
    roles=(Role.DISPATCHER, Role.ADMIN),
    response=IncidentDetail,
    tags=("incidents",),
    errors={404: ("incident_not_found",)},
)
def get_incident(ctx: Ctx) -> IncidentDetail:
    return service.incident_detail(ctx.who, ctx.params["incident_id"])


@lambda_function(bp, name="incident_registered")
def incident_registered(event: dict[str, Any]) -> dict[str, str]:
    incident_id = str(event["incident_id"])
    service.registered(incident_id, str(event.get("execution", "")))
    return {"incident_id": incident_id, "workflow": "started"}


@lambda_function(bp, name="incident_needs_dispatcher")
def incident_needs_dispatcher(event: dict[str, Any]) -> dict[str, str]:
    incident_id = str(event["incident_id"])
    # The error name only: causes can carry stack traces and ARNs.
    reason = str((event.get("error") or {}).get("Error", "WorkflowFailed"))
    service.needs_dispatcher(incident_id, reason)
    return {"incident_id": incident_id, "workflow": "needs_dispatcher"}


@schedule(bp, Rate(1, unit=Rate.MINUTES), name="reconcile_incidents")
def reconcile_incidents(event: dict[str, Any]) -> dict[str, Any]:
    # The starter of this container, not the intake's: a start that failed at intake is retried here.
    return {"started": service.reconcile(utcnow(), RECONCILE_GRACE, get_starter())}
