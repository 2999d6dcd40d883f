"""Hospitals API: the registry with live capacity, capacity reports, an incident's hospital options."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE
from chalicelib.core.http import Ctx, route
from chalicelib.healthaccess.api import audited
from chalicelib.hospitals.schemas import CapacityUpdate, CapacityView, HospitalList, HospitalOptions, HospitalsQuery

bp = Blueprint(__name__)
TAGS = ("hospitals",)


@route(
    bp,
    "/v1/hospitals",
    "GET",
    summary="The receiving hospitals with their capabilities and live capacity (stale capacity flagged)",
    roles=(Role.DISPATCHER, Role.CREW, Role.HOSPITAL, Role.ADMIN),
    query=HospitalsQuery,
    response=HospitalList,
    tags=TAGS,
)
def get_hospitals(ctx: Ctx) -> HospitalList:
    from chalicelib.hospitals.service import list_hospitals
    from chalicelib.hospitals.wiring import get_ports

    return list_hospitals(get_ports(), ctx.query, utcnow())


@route(
    bp,
    "/v1/hospitals/{hospital_id}/capacity",
    "PUT",
    summary="The hospital reports what it can take now (ED and ICU beds, CT, cath lab)",
    roles=(Role.HOSPITAL,),
    body=CapacityUpdate,
    response=CapacityView,
    tags=TAGS,
    errors={404: ("hospital_not_found",)},
)
def put_capacity(ctx: Ctx) -> CapacityView:
    from chalicelib.hospitals.service import report_capacity
    from chalicelib.hospitals.wiring import get_ports

    return report_capacity(get_ports(), ctx.who, ctx.params["hospital_id"], ctx.body, utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}/hospital-options",
    "GET",
    summary="Hospitals qualified for the incident's pathway and level, fastest first from the unit, with "
    "capacity, ETA and reasons; nearer hospitals skipped for a missing capability are named",
    roles=(Role.CREW, Role.DISPATCHER),
    response=HospitalOptions,
    tags=TAGS,
    errors=HEALTH_RECORD,
    refused=audited("hospital_options.read"),
    description=HEALTH_RECORD_RULE,
)
def get_options(ctx: Ctx) -> HospitalOptions:
    from chalicelib.hospitals.service import options
    from chalicelib.hospitals.wiring import get_ports

    return options(get_ports(), ctx.who, ctx.params["incident_id"], utcnow())
