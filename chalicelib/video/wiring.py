"""The configured video provider (`EMS_VIDEO_PROVIDER`: kvs in AWS, local on the devstack), built on first use."""

from __future__ import annotations

from chalicelib.core.config import get_settings, settings_of
from chalicelib.core.root import provider
from chalicelib.video.ports import VideoProvider


@provider
def get_video() -> VideoProvider:
    from chalicelib.video.settings import VideoSettings

    s = get_settings()
    if settings_of(VideoSettings).video_provider == "local":
        from chalicelib.video.adapters.local import LocalVideo

        return LocalVideo(s.mqtt_publish)  # the broker's mqtt:// URL on the devstack
    from chalicelib.video.adapters.kvs import KvsVideo

    return KvsVideo(s.region, tags={"ems:stage": s.stage})
