"""Dispatcher API: the board of open incidents, manual assignment and cancellation; and the
workflow's dispatch tasks (Lambda). Use cases load on first call: app.py imports this at cold start."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.http import Ctx, route
from chalicelib.core.lambdas import lambda_function
from chalicelib.dispatch.schemas import (
    AssignRequest,
    AssignResult,
    AwaitEvent,
    CancelRequest,
    CancelResult,
    DispatchEvent,
    IncidentList,
    IncidentsQuery,
)

bp = Blueprint(__name__)
_STAFF = (Role.DISPATCHER, Role.ADMIN)


@route(
    bp,
    "/v1/incidents",
    "GET",
    summary="Open incidents of a county (or every county in scope): waiting ones first, with recommendations",
    roles=_STAFF,
    query=IncidentsQuery,
    response=IncidentList,
    tags=("dispatch",),
)
def list_incidents(ctx: Ctx) -> IncidentList:
    from chalicelib.dispatch.service import board
    from chalicelib.dispatch.wiring import get_ports

    q: IncidentsQuery = ctx.query
    return board.board(get_ports(), ctx.who, q.county, q.status)


@route(
    bp,
    "/v1/incidents/{incident_id}/assign",
    "POST",
    summary="Assign a unit by hand (override); a unit already on the way is stood down (audited)",
    roles=_STAFF,
    body=AssignRequest,
    response=AssignResult,
    tags=("dispatch",),
    errors={
        404: ("incident_not_found", "unit_not_found"),
        409: ("incident_closed", "unit_on_scene", "unit_not_available", "incident_changed"),
    },
    description=(
        "409 when the incident is closed (`incident_closed`), its unit is already on scene (`unit_on_scene`),"
        " the unit is not free (`unit_not_available`) or the incident changed meanwhile (`incident_changed`: "
        "reload it). The unit stood down is free again; audited."
    ),
)
def assign_unit(ctx: Ctx) -> AssignResult:
    from chalicelib.dispatch.service import board

    return _command(board.assign, ctx)  # type: ignore[no-any-return]


@route(
    bp,
    "/v1/incidents/{incident_id}/cancel",
    "POST",
    summary="Cancel an incident; its unit, if not yet on scene, is stood down and free again (audited)",
    roles=_STAFF,
    body=CancelRequest,
    response=CancelResult,
    tags=("dispatch",),
    errors={404: ("incident_not_found",), 409: ("incident_closed", "unit_on_scene", "incident_changed")},
    description="409 when the incident is closed or its unit is on scene; audited.",
)
def cancel_incident(ctx: Ctx) -> CancelResult:
    from chalicelib.dispatch.service import board
    from chalicelib.workflow.api import closed

    # A workflow past dispatch ends instead of waiting for a crew that was stood down.
    return _command(board.cancel, ctx, closed=closed)  # type: ignore[no-any-return]


def _command(command: Callable[..., Any], ctx: Ctx, **more: Any) -> Any:
    """A dispatcher's command on one incident, with the ports it acts through."""
    from chalicelib.dispatch.api import unit_available
    from chalicelib.dispatch.wiring import get_ports
    from chalicelib.fleet import api as fleet

    return command(
        ports=get_ports(),
        fleet=fleet.fleet_store(),
        sink=fleet.available_sink(unit_available),
        who=ctx.who,
        incident_id=ctx.params["incident_id"],
        req=ctx.body,
        now=utcnow(),
        **more,
    )


@lambda_function(bp, name="dispatch_incident")
def dispatch_incident(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.dispatch.service import assign
    from chalicelib.dispatch.wiring import get_ports, get_search, get_waits

    e = DispatchEvent.model_validate(event)
    return assign.dispatch(
        e.incident_id, e.escalate, ports=get_ports(), search=get_search(), waits=get_waits(), now=utcnow()
    )


@lambda_function(bp, name="await_unit")
def await_unit(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.dispatch.service import assign
    from chalicelib.dispatch.wiring import get_ports

    e = AwaitEvent.model_validate(event)
    return assign.keep_waiting(e.incident_id, e.task_token, ports=get_ports())
