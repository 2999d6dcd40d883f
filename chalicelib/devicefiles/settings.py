"""Device files' settings: the bucket, the data key every object is encrypted with, retention."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DeviceFileSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # Device files (12-lead ECGs, ultrasound): the bucket, the data key every object is encrypted
    # with (id, ARN or alias), and how long objects and their records are kept.
    files_bucket: str | None = None
    data_key_id: str | None = None
    files_retention_days: int = Field(365, ge=1)
