"""Bookings' knobs: the hospital's time to answer, and each hospital's information system."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BookingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # How long a hospital has to accept an offer before it moves to the next option.
    booking_answer_s: int = Field(120, ge=15, le=1800)
    # Each hospital's information system: FHIR R4 base URL by hospital id (unlisted: not connected).
    his_endpoints: dict[str, str] = {}
    his_timeout_s: float = Field(3.0, gt=0, le=20)
    his_retries: int = Field(2, ge=0, le=5)
