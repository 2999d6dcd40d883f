"""The configured video provider (`EMS_VIDEO_PROVIDER`: kvs in AWS, local on the devstack)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.video.ports import VideoProvider


@lru_cache(maxsize=1)
def get_video() -> VideoProvider:
    from chalicelib.core.config import get_settings

    s = get_settings()
    if s.video_provider == "local":
        from chalicelib.video.local import LocalVideo

        return LocalVideo(s.mqtt_publish)  # the broker's mqtt:// URL on the devstack
    from chalicelib.video.kvs import KvsVideo

    return KvsVideo(s.region, tags={"ems:stage": s.stage})


def reset() -> None:
    get_video.cache_clear()
