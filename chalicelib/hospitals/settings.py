"""Hospital routing's knobs."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class HospitalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # Capacity older than this is shown as stale; with no qualified hospital this close (travel
    # time), the nearest able to stabilise is offered with a transfer.
    capacity_stale_s: int = Field(1800, ge=60)
    qualified_within_s: int = Field(2700, ge=300)
