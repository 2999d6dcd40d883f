"""Ingestion's settings: how often a unit's position is written, and where rejects go."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TelemetrySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # A unit's stored position is rewritten when it is this much older than the newest fix
    # (dispatch's 5 s freshness bound minus the batching window and some margin).
    position_coalesce_s: float = Field(3.0, ge=0, le=60)
    # Where invalid device messages go, with their reasons (the queue's URL or name).
    telemetry_rejects_queue: str | None = None
