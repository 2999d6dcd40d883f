"""What other domains use of live video: the configured provider and the types of its port."""

from __future__ import annotations

from chalicelib.video.ports import IceServer, JoinInfo, Role, Room, VideoProvider, VideoUnavailable
from chalicelib.video.wiring import get_video

__all__ = ["IceServer", "JoinInfo", "Role", "Room", "VideoProvider", "VideoUnavailable", "provider"]


def provider() -> VideoProvider:
    """The video provider of this stage (one per container)."""
    return get_video()
