from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta

from chalice import Blueprint, Response

from chalicelib.core.auth import Principal, Role
from chalicelib.core.clock import utcnow
from chalicelib.core.config import get_settings
from chalicelib.core.http import Ctx, route
from chalicelib.core.workflows import get_starter
from chalicelib.platform import audit as audit_log
from chalicelib.platform import logic
from chalicelib.platform.deps import get_probe, get_store
from chalicelib.platform.models import AuditPage, AuditQuery, CanaryRequest, CanaryRun, HealthResponse

bp = Blueprint(__name__)
_health_cache: dict[str, tuple[datetime, HealthResponse]] = {}
# One check at a time: a burst of requests on an expired cache waits for one check, not fifty.
_health_lock = threading.Lock()


@route(
    bp,
    "/v1/health",
    "GET",
    summary="Health of the platform and its dependencies",
    roles=None,
    response=HealthResponse,
    tags=("platform",),
    errors={503: ()},
)
def health(ctx: Ctx) -> Response:
    s = get_settings()
    now = utcnow()
    cached = _health_cache.get("result")
    if cached is None or (now - cached[0]).total_seconds() >= s.health_cache_s:
        with _health_lock:
            cached = _health_cache.get("result")
            if cached is None or (utcnow() - cached[0]).total_seconds() >= s.health_cache_s:
                now = utcnow()
                result = logic.health(
                    probe=get_probe(),
                    store=get_store(),
                    now=now,
                    max_age=timedelta(seconds=s.heartbeat_max_age_s),
                    stage=s.stage,
                )
                _health_cache["result"] = cached = (now, result)
    result = cached[1]
    return Response(
        body=result.model_dump(mode="json"),
        status_code=200 if result.status == "ok" else 503,
        headers={"Content-Type": "application/json", "Cache-Control": "no-store"},
    )


@route(
    bp,
    "/v1/me",
    "GET",
    summary="Who the bearer token speaks for",
    roles=tuple(Role),
    response=Principal,
    tags=("platform",),
)
def me(ctx: Ctx) -> Principal:
    return ctx.who


@route(
    bp,
    "/v1/audit",
    "GET",
    summary="Audit trail of one subject (incident, record ...), newest first",
    roles=(Role.ADMIN,),
    query=AuditQuery,
    response=AuditPage,
    tags=("platform",),
)
def audit(ctx: Ctx) -> AuditPage:
    q: AuditQuery = ctx.query
    # Reading the trail is itself on the trail.
    audit_log.record(ctx.who, q.subject, "audit.read")
    return AuditPage(subject=q.subject, events=get_store().audit_for(q.subject, q.limit))


@route(bp, "/v1/openapi.json", "GET", summary="This API's OpenAPI 3.1 document", roles=None, tags=("platform",))
def openapi(ctx: Ctx) -> dict[str, object]:
    from chalicelib.openapi import document

    return document()


@route(
    bp,
    "/v1/platform/canary-runs",
    "POST",
    summary="Run the platform self-test now",
    roles=(Role.ADMIN,),
    body=CanaryRequest,
    response=CanaryRun,
    status=202,
    tags=("platform",),
    errors={503: ("workflow_unavailable",)},
)
def run_canary(ctx: Ctx) -> CanaryRun:
    req: CanaryRequest = ctx.body
    name = f"canary-manual-{uuid.uuid4().hex}"
    arn = get_starter().start("platform_canary", name, req.model_dump())
    return CanaryRun(execution=name, execution_arn=arn)
