"""Fleet settings, read from the environment once on first use (never at import)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class FleetSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # A reported position older than this is stale: the view shows the station instead.
    position_max_age_s: int = 120
    # Device clocks drift; a time further ahead than this is a wrong clock, not a report.
    max_clock_ahead_s: int = 300
