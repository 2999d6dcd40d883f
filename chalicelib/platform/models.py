"""Edge contract of the platform domain (health, heartbeats, audit)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from chalicelib.core.model import Model


class Heartbeat(Model):
    component: str
    ok: bool
    at: datetime
    source: str
    detail: str | None = None


class ComponentStatus(Model):
    status: Literal["ok", "failing"]
    detail: str
    checked_at: datetime | None = None


class HealthResponse(Model):
    status: Literal["ok", "degraded"]
    stage: str
    components: dict[str, ComponentStatus]


class CanaryInput(Model):
    """Input of one platform canary execution (scheduled every minute)."""

    execution: str = Field(min_length=1)
    started_at: datetime
    checks: list[Literal["dynamodb", "mqtt"]] = ["dynamodb", "mqtt"]


class HeartbeatMessage(Model):
    """What the canary publishes on `ems/platform/heartbeat` (rule-projected)."""

    source: str
    sent_at: datetime
    seq: str
    topic: str | None = None


# DynamoDB keys hold at most 2048 bytes; only a hostile path makes a subject this long.
_SUBJECT_MAX = 512


def _keyable(subject: str) -> str:
    """A subject within the audit table's key: a longer one keeps its beginning and a hash of all of it,
    so the attempt is still on the trail instead of failing the request."""
    if len(subject.encode()) <= _SUBJECT_MAX:
        return subject
    digest = hashlib.sha256(subject.encode()).hexdigest()
    return subject.encode()[:200].decode(errors="ignore") + f"...#sha256:{digest}"


class AuditEvent(Model):
    subject: Annotated[str, AfterValidator(_keyable)]
    event_id: str
    actor: str
    role: str
    action: str
    reason: str | None = None
    basis: str | None = Field(None, description="Why health data could be reached: assigned_crew, break_glass ...")
    at: datetime


class AuditPage(Model):
    subject: str
    events: list[AuditEvent]


class AuditQuery(Model):
    subject: str = Field(min_length=1, max_length=200)
    limit: int = Field(50, ge=1, le=500)


class CanaryRequest(Model):
    """Run the platform self-test now (ops), instead of waiting for the schedule."""

    checks: list[Literal["dynamodb", "mqtt"]] = Field(default=["dynamodb", "mqtt"], min_length=1)


class CanaryRun(Model):
    execution: str
    execution_arn: str
