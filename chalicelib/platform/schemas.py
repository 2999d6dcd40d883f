"""Edge contract of the platform domain (health, heartbeats, audit)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from chalicelib.core.model import Model
from chalicelib.platform.entities import AuditEvent


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
