"""Fleet API: crew status reports, the dispatcher's fleet view, the crew's assignment."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.http import Ctx, route
from chalicelib.fleet import queries, service
from chalicelib.fleet.deps import get_available_sink, get_fleet_settings, get_fleet_store
from chalicelib.fleet.schemas import (
    AssignmentView,
    PositionReport,
    PositionResult,
    StatusRequest,
    StatusResult,
    TimeCorrection,
    TimeNodeView,
    UnitList,
    UnitsQuery,
    UnitView,
)

bp = Blueprint(__name__)
_STAFF = (Role.DISPATCHER, Role.ADMIN)


@route(
    bp,
    "/v1/units/{unit_id}/status",
    "POST",
    summary="Report a unit's status or the at-patient event; records NEMSIS eTimes nodes",
    roles=(Role.CREW, *_STAFF),
    body=StatusRequest,
    response=StatusResult,
    tags=("fleet",),
    errors={
        404: ("unit_not_found",),
        409: ("illegal_transition", "version_conflict"),
        422: ("time_in_future", "destination_not_expected", "unknown_hospital"),
    },
    description=(
        "A crew reports for its own unit only. The status machine refuses a move it does not allow for the "
        "actor (409 `illegal_transition`); `destination_id` goes with `TRANSPORTING` only (422 "
        "`destination_not_expected`) and names a known hospital (422 `unknown_hospital`); a time ahead of the"
        " server clock is 422 `time_in_future`; a concurrent change is 409 `version_conflict` (read and "
        "retry)."
    ),
)
def post_status(ctx: Ctx) -> StatusResult:
    return service.change_status(
        store=get_fleet_store(),
        sink=get_available_sink(),
        settings=get_fleet_settings(),
        who=ctx.who,
        unit_id=ctx.params["unit_id"],
        req=ctx.body,
        now=utcnow(),
    )


@route(
    bp,
    "/v1/units/{unit_id}/times",
    "POST",
    summary="Confirm or correct one of the unit's recorded time nodes (an arrival the stream detected, say)",
    roles=(Role.CREW, *_STAFF),
    body=TimeCorrection,
    response=TimeNodeView,
    tags=("fleet",),
    errors={404: ("unit_not_found", "time_node_not_found"), 409: ("version_conflict",), 422: ("time_in_future",)},
)
def post_time(ctx: Ctx) -> TimeNodeView:
    return service.amend_time(
        store=get_fleet_store(),
        settings=get_fleet_settings(),
        who=ctx.who,
        unit_id=ctx.params["unit_id"],
        req=ctx.body,
        now=utcnow(),
    )


@route(
    bp,
    "/v1/units/{unit_id}/position",
    "POST",
    summary="The crew app's GPS fix; positions only move forward in time",
    roles=(Role.CREW,),
    body=PositionReport,
    response=PositionResult,
    tags=("fleet",),
    errors={404: ("unit_not_found",), 409: ("version_conflict",), 422: ("time_in_future",)},
    description=(
        "A crew reports for its own unit only; a fix no newer than the stored one is accepted but not stored "
        "(`accepted: false`)."
    ),
)
def post_position(ctx: Ctx) -> PositionResult:
    return service.report_position(
        store=get_fleet_store(),
        settings=get_fleet_settings(),
        who=ctx.who,
        unit_id=ctx.params["unit_id"],
        req=ctx.body,
        now=utcnow(),
    )


@route(
    bp,
    "/v1/units",
    "GET",
    summary="Units of a county (or every county in scope), optionally of one status",
    roles=_STAFF,
    query=UnitsQuery,
    response=UnitList,
    tags=("fleet",),
)
def list_units(ctx: Ctx) -> UnitList:
    q: UnitsQuery = ctx.query
    max_age = get_fleet_settings().position_max_age_s
    return queries.list_units(get_fleet_store(), ctx.who, q.county, q.status, utcnow(), max_age)


@route(
    bp,
    "/v1/units/{unit_id}",
    "GET",
    summary="One unit: status, type, position (station fallback when stale), current incident",
    roles=(Role.CREW, *_STAFF),
    response=UnitView,
    tags=("fleet",),
    errors={404: ("unit_not_found",)},
)
def get_unit(ctx: Ctx) -> UnitView:
    max_age = get_fleet_settings().position_max_age_s
    return queries.one_unit(get_fleet_store(), ctx.who, ctx.params["unit_id"], utcnow(), max_age)


@route(
    bp,
    "/v1/units/{unit_id}/assignment",
    "GET",
    summary="The unit's current incident and destination (its crew)",
    roles=(Role.CREW, *_STAFF),
    response=AssignmentView,
    tags=("fleet",),
    errors={404: ("unit_not_found", "no_assignment")},
)
def get_assignment(ctx: Ctx) -> AssignmentView:
    from chalicelib.dispatch.board import crew_job

    view = queries.assignment(get_fleet_store(), ctx.who, ctx.params["unit_id"])
    # The crew app's fallback when the MQTT message was missed: the same job, read on demand.
    return view.model_copy(update={"job": crew_job(view.incident_id, view.unit_id)})
