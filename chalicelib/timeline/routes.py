"""Wristbands, the incident's timeline and the KPIs."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.config import get_settings
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE, union
from chalicelib.core.http import Ctx, route
from chalicelib.core.lambdas import lambda_function
from chalicelib.healthaccess.api import audited
from chalicelib.timeline import service
from chalicelib.timeline.schemas import BandView, BindBand, KpiQuery, Kpis, ScanRequest, ScanResult, Timeline

bp = Blueprint(__name__)
TAGS = ("timeline",)


@route(
    bp,
    "/v1/wristbands",
    "POST",
    summary="Bind a wristband to the incident's patient (the crew on the job); binding it again is a no-op",
    roles=(Role.CREW,),
    body=BindBand,
    response=BandView,
    status=201,
    tags=TAGS,
    errors=union(HEALTH_RECORD, {409: ("band_in_use",)}),
    refused=audited("wristband.bind"),
    description=HEALTH_RECORD_RULE
    + " Only the crew of the unit on the job binds; a band bound to another patient is 409 `band_in_use`.",
)
def post_band(ctx: Ctx) -> BandView:
    return service.bind(ctx.who, ctx.body, utcnow())


@route(
    bp,
    "/v1/wristbands/{band_id}/scans",
    "POST",
    summary="A hospital scanner records a time node (door, triage, CT, needle, groin puncture, reperfusion, "
    "admission); a repeated scan changes nothing, scans may arrive in any order",
    roles=(Role.HOSPITAL,),
    body=ScanRequest,
    response=ScanResult,
    status=201,
    tags=TAGS,
    errors=union(HEALTH_RECORD, {404: ("band_not_found",), 422: ("time_in_future",)}),
    refused=audited("wristband.scan"),
    description="A scan ahead of the server clock is 422 `time_in_future`; the first scan of a node stands.",
)
def post_scan(ctx: Ctx) -> ScanResult:
    return service.scan(ctx.who, ctx.params["band_id"], ctx.body, utcnow(), get_settings().max_clock_ahead_s)


@route(
    bp,
    "/v1/incidents/{incident_id}/timeline",
    "GET",
    summary="NEMSIS ambulance times and hospital nodes in time order, with each interval against its target",
    roles=(Role.CREW, Role.DISPATCHER, Role.HOSPITAL),
    response=Timeline,
    tags=TAGS,
    errors=HEALTH_RECORD,
    refused=audited("timeline.read"),
    description=HEALTH_RECORD_RULE,
)
def get_timeline(ctx: Ctx) -> Timeline:
    return service.timeline(ctx.who, ctx.params["incident_id"], utcnow())


@route(
    bp,
    "/v1/kpis",
    "GET",
    summary="Counts, medians, 90th percentiles and the share within target of every interval, by time range, "
    "county and pathway",
    roles=(Role.DISPATCHER, Role.ADMIN),
    query=KpiQuery,
    response=Kpis,
    tags=TAGS,
    errors={422: ("invalid_range",)},
    description="`to` after `from`, at most 92 days later (422 `invalid_range`).",
)
def get_kpis(ctx: Ctx) -> Kpis:
    return service.kpis(ctx.who, ctx.query)


@lambda_function(bp, name="refresh_kpis")
def refresh_kpis(event: dict[str, Any]) -> dict[str, Any]:
    """A step of the call-to-admission workflow: the incident's KPI summary, recomputed."""
    incident_id = str(event["incident_id"])
    summary = service.refresh(incident_id, utcnow())
    return {"incident_id": incident_id, "intervals": sorted(summary.intervals) if summary else []}
