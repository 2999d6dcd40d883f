"""The store of scene video rooms: one per incident."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.cpr.entities import SceneRoom


class RoomClosed(Exception):
    """The room was closed (with its incident) while we wrote to it."""


class SceneRooms(ABC):
    @abstractmethod
    def get(self, incident_id: str) -> SceneRoom | None:
        """Strongly consistent: a join right after the close sees it."""

    @abstractmethod
    def create(self, room: SceneRoom) -> bool:
        """Store the incident's first room; False when one was stored first (a concurrent join)."""

    @abstractmethod
    def rewrite_participants(
        self, room: SceneRoom, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
    ) -> SceneRoom:
        """Apply `change` to the participants of the open room, retried over concurrent writers
        (RoomClosed once the room is closed)."""

    @abstractmethod
    def close(self, incident_id: str, at: datetime) -> bool:
        """Mark the open room closed; False when it was no longer open (a concurrent close)."""
