"""The first-responder scheme's knobs."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class VolunteerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # How long an alerted volunteer has to answer before the alert passes to the next nearest, how old a
    # reported position may be and still be alerted on (the app reports every few minutes while on duty),
    # and how long after the call new volunteers are still alerted.
    volunteer_answer_s: int = Field(60, ge=1, le=600)
    volunteer_position_ttl_s: int = Field(900, ge=1)
    volunteer_alert_window_s: int = Field(1200, ge=60, le=3600)  # within first_response's timeout
