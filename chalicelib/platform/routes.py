"""Platform API (health, who am I, audit trail, canary runs) and its Lambda entry points: the canary's
steps, the MQTT heartbeat's rule target and the IoT custom authorizer of people's apps."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

from chalice import Blueprint, Response

from chalicelib.core.auth import Principal, Role
from chalicelib.core.clock import utcnow
from chalicelib.core.config import get_settings, settings_of
from chalicelib.core.http import Ctx, route
from chalicelib.core.lambdas import lambda_function
from chalicelib.core.observability import count, logger
from chalicelib.core.publisher import get_publisher
from chalicelib.core.root import on_reset
from chalicelib.core.workflows import get_starter
from chalicelib.platform import audit as audit_log
from chalicelib.platform import logic
from chalicelib.platform.schemas import (
    AuditPage,
    AuditQuery,
    CanaryInput,
    CanaryRequest,
    CanaryRun,
    HealthResponse,
    HeartbeatMessage,
)
from chalicelib.platform.wiring import get_probe, get_store

bp = Blueprint(__name__)
_health_cache: dict[str, tuple[datetime, HealthResponse]] = {}
# One check at a time: a burst of requests on an expired cache waits for one check, not fifty.
_health_lock = threading.Lock()


@on_reset
def _forget_health() -> None:
    _health_cache.clear()


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
    from chalicelib.platform.settings import PlatformSettings  # pydantic-settings on first use, not at import

    s = settings_of(PlatformSettings)
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
                    stage=get_settings().stage,
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


# -- Lambda entry points ------------------------------------------------------------------------------


@lambda_function(bp, name="canary_probe")
def canary_probe(event: dict[str, Any]) -> dict[str, str]:
    inp = CanaryInput.model_validate(event)
    result = logic.canary_probe(inp, probe=get_probe(), publisher=get_publisher(), now=utcnow())
    logic.canary_succeeded(inp.execution, store=get_store(), now=utcnow())
    return result


@lambda_function(bp, name="canary_failed")
def canary_failed(event: dict[str, Any]) -> dict[str, str]:
    error = event.get("error") or {}
    execution = str(event.get("execution", "unknown"))
    # Only the error name reaches the (public) health view; the cause, which can hold stack
    # traces and ARNs, stays in the logs.
    logic.canary_failed(execution, str(error.get("Error", "Unknown")), store=get_store(), now=utcnow())
    count("CanaryFailed")
    logger().error(
        "platform canary failed",
        extra={"execution": execution, "error": error.get("Error"), "cause": str(error.get("Cause", ""))[:500]},
    )
    return {"execution": execution, "recorded": "failure"}


@lambda_function(bp, name="on_platform_heartbeat")
def on_platform_heartbeat(event: dict[str, Any]) -> dict[str, str]:
    message = HeartbeatMessage.model_validate(event)
    beat = logic.heartbeat_received(message, store=get_store(), now=utcnow())
    return {"component": beat.component, "source": beat.source}


@lambda_function(bp, name="mqtt_authorizer")
def mqtt_authorizer(event: dict[str, Any]) -> dict[str, Any]:
    """IoT Core custom authorizer for people's apps (`platform/mqtt_access.py`). The token is never logged."""
    from chalicelib.platform.mqtt_access import authorize

    answer = authorize(event, get_settings().iot_arn_prefix)
    count("MqttAppConnects" if answer["isAuthenticated"] else "MqttAppRefused")
    return answer
