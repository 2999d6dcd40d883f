"""Dispatch's settings: the ETA provider, the candidate search and the two-level command's waits."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DispatchSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # "model" (default, every partition) or "amazon-location" (geo-routes, global regions).
    eta_provider: str = "model"
    route_region: str | None = None  # geo-routes region when it differs from the stack's
    route_timeout_s: float = 2.0
    # Per-county ETA model overrides: {"350602": {"kmh_peak": 18}, "default": {...}} (JSON in env).
    eta_profiles: dict[str, dict[str, float]] = {}
    dispatch_candidates: int = 10  # nearest free units the search returns for ETA ranking
    # An incident with no free unit waits this long for its county before the city takes over
    # (two-level command); once escalated, the search repeats at this interval as a safety net.
    escalate_after_s: int = Field(60, ge=5, le=3600)
    redispatch_after_s: int = Field(300, ge=30, le=3600)
    # EventBridge bus of dispatch events (co-responders subscribe with rules on it).
    event_bus: str = "default"
