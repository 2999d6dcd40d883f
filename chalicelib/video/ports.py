"""The video provider port: a room per session, joined as the one sender or as a viewer.

WebRTC carries the media between the peers; the provider gives each peer what it needs to reach
the others: a signaling endpoint it may connect to (already authorised) and ICE (STUN/TURN) servers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Role = Literal["master", "viewer"]  # the master sends (the scene or the ambulance); viewers watch and talk


@dataclass(frozen=True)
class Room:
    provider: str
    room_id: str  # the signaling channel's ARN (AWS) or the local room name
    name: str


@dataclass(frozen=True)
class IceServer:
    urls: list[str]
    username: str | None = None
    credential: str | None = None
    ttl_s: int | None = None


@dataclass(frozen=True)
class JoinInfo:
    provider: str
    room_id: str
    role: Role
    client_id: str
    signaling_url: str  # e.g. a presigned wss:// URL, valid until expires_at
    expires_at: datetime
    ice_servers: list[IceServer] = field(default_factory=list)
    topics: dict[str, str] = field(default_factory=dict)  # the local provider's signaling topics


class VideoUnavailable(Exception):
    """The provider failed; `reason` names the step, never a participant."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class VideoProvider(ABC):
    @abstractmethod
    def open(self, name: str) -> Room:
        """Create (or find) the room `name`; idempotent."""

    @abstractmethod
    def join(self, room: Room, client_id: str, role: Role, now: datetime) -> JoinInfo: ...

    @abstractmethod
    def close(self, room: Room) -> None:
        """Remove the room; no one can join it afterwards. Idempotent."""
