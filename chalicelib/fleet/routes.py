"""Fleet API: crew status reports, the dispatcher's fleet view, the crew's assignment; and the
fleet's scheduled gauges."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.config import get_settings
from chalicelib.core.counties import COUNTIES
from chalicelib.core.http import Ctx, route
from chalicelib.core.lambdas import schedule
from chalicelib.core.observability import gauge
from chalicelib.fleet.entities import UnitStatus
from chalicelib.fleet.ports import FleetStore, UnitAvailableSink
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
from chalicelib.fleet.service import commands as service
from chalicelib.fleet.service import views as queries
from chalicelib.fleet.wiring import get_available_sink, get_fleet_store, get_status_writer

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
        store=_status_writer(),
        sink=_available_sink(),
        settings=get_settings(),
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
        settings=get_settings(),
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
        settings=get_settings(),
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
    max_age = get_settings().position_max_age_s
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
    max_age = get_settings().position_max_age_s
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
    from chalicelib.dispatch.api import crew_job

    view = queries.assignment(get_fleet_store(), ctx.who, ctx.params["unit_id"])
    # The crew app's fallback when the MQTT message was missed: the same job, read on demand.
    return view.model_copy(update={"job": crew_job(view.incident_id, view.unit_id)})


def _status_writer() -> FleetStore:
    from chalicelib.incidents.api import add_unit_step

    # The incident follows its unit in the same transaction (composed here: the incidents' api reads
    # dispatch, which reads the fleet).
    return get_status_writer(add_unit_step)


def _available_sink() -> UnitAvailableSink:
    from chalicelib.dispatch.api import unit_available

    # Dispatch first hands the unit to a waiting incident; the MQTT announcement follows.
    return get_available_sink(unit_available)


@schedule(bp, Rate(1, unit=Rate.MINUTES), name="fleet_gauges")
def fleet_gauges(event: dict[str, Any]) -> dict[str, int]:
    """Units available per county, every minute, for the ops dashboard (one Query per county)."""
    store = get_fleet_store()
    counts = {c.code: len(store.in_county(c.code, UnitStatus.AVAILABLE)) for c in COUNTIES}
    for county, available in counts.items():
        gauge("UnitsAvailable", available, county=county)
    return counts
