"""Which video provider the rooms use."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class VideoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # Live video (consultations, guided CPR): Kinesis Video Streams WebRTC in AWS, the broker locally.
    video_provider: Literal["kvs", "local"] = "kvs"
