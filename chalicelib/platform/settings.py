"""The platform's knobs: how fresh a heartbeat must be, how long health answers from memory."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class PlatformSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # Health: a heartbeat older than this is "stale".
    heartbeat_max_age_s: int = 180
    # /v1/health is public and shares the API's concurrency: answer repeats from memory.
    health_cache_s: float = 10.0
