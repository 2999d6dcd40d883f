"""The scene video's use cases over an in-memory rooms store and video provider: who opens the room, who
joins it as what, and how it closes with the incident."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, ServiceUnavailable
from chalicelib.cpr import video
from chalicelib.cpr.entities import SceneRoom
from chalicelib.cpr.ports import RoomClosed, SceneRooms
from chalicelib.video.api import JoinInfo, Room, VideoProvider, VideoUnavailable
from chalicelib.video.api import Role as VideoRole

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


class MemoryRooms(SceneRooms):
    def __init__(self) -> None:
        self.rooms: dict[str, SceneRoom] = {}

    def get(self, incident_id: str) -> SceneRoom | None:
        return self.rooms.get(incident_id)

    def create(self, room: SceneRoom) -> bool:
        return self.rooms.setdefault(room.incident_id, room) is room

    def rewrite_participants(
        self, room: SceneRoom, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
    ) -> SceneRoom:
        now = self.rooms[room.incident_id]
        if now.status != "open":
            raise RoomClosed(room.incident_id)
        self.rooms[room.incident_id] = replace(now, participants=change(list(now.participants)))
        return self.rooms[room.incident_id]

    def close(self, incident_id: str, at: datetime) -> bool:
        room = self.rooms[incident_id]
        if room.status != "open":
            return False
        self.rooms[incident_id] = replace(room, status="closed", closed_at=at)
        return True


class Video(VideoProvider):
    def __init__(self) -> None:
        self.opened: list[str] = []
        self.closed: list[str] = []
        self.fails = False

    def open(self, name: str) -> Room:
        if self.fails:
            raise VideoUnavailable("CreateSignalingChannel: EndpointConnectionError")
        self.opened.append(name)
        return Room(provider="local", room_id=name, name=name)

    def join(self, room: Room, client_id: str, role: VideoRole, now: datetime) -> JoinInfo:
        return JoinInfo(provider="local", room_id=room.room_id, role=role, client_id=client_id,
                        signaling_url="mqtt://broker", expires_at=now + timedelta(minutes=5))  # fmt: skip

    def close(self, room: Room) -> None:
        self.closed.append(room.name)


@dataclass
class Incident:
    incident_id: str = "INC1"
    status: str = "dispatched"

    @property
    def is_open(self) -> bool:
        return self.status not in ("closed", "cancelled")


@dataclass
class Scene:
    rooms: MemoryRooms
    video: Video
    incident: Incident
    trail: list[tuple[str, str]]


@pytest.fixture
def scene(monkeypatch: pytest.MonkeyPatch) -> Iterator[Scene]:
    s = Scene(MemoryRooms(), Video(), Incident(), [])

    class Trail:
        def append_audit(self, event: Any) -> None:
            s.trail.append((event.action, event.actor))

    monkeypatch.setattr(video, "_rooms", lambda: s.rooms)
    monkeypatch.setattr(video, "_provider", lambda: s.video)
    monkeypatch.setattr("chalicelib.platform.audit.get_store", lambda: Trail())
    monkeypatch.setattr("chalicelib.incidents.api.caller_call", lambda call_id, bearer, now: (None, s.incident))
    monkeypatch.setattr("chalicelib.dispatch.api.incident", lambda i: s.incident if i == "INC1" else None)
    monkeypatch.setattr("chalicelib.healthaccess.api.open_record", lambda who, i, action, now: None)
    yield s


def dispatcher() -> Principal:
    return Principal(subject="desk", role=Role.DISPATCHER, scopes=["county:350602"])


def test_the_caller_opens_the_room_as_its_sender_and_the_desk_joins_as_a_viewer(scene: Scene) -> None:
    mine = video.caller_join("C1", "Bearer t", NOW)
    assert (mine.incident_id, mine.video.role) == ("INC1", "master") and scene.video.opened == ["ems-scene-INC1"]
    seen = video.staff_join(dispatcher(), "INC1", NOW + timedelta(seconds=30))
    assert seen.video.role == "viewer" and seen.status == "open"
    assert [(p.subject, p.kind, p.role) for p in seen.participants] == [
        ("call:C1", "caller", "master"), ("desk", "dispatcher", "viewer"),
    ]  # fmt: skip
    assert scene.video.opened == ["ems-scene-INC1"]  # one room per incident
    assert ("scene_video.join", "call:C1") in scene.trail


def test_the_room_closes_with_the_incident_once_and_no_one_joins_after(scene: Scene) -> None:
    video.caller_join("C1", "Bearer t", NOW)
    assert video.close_for_incident("INC1", NOW + timedelta(minutes=5))
    assert not video.close_for_incident("INC1")  # already closed: nothing to do
    assert scene.video.closed == ["ems-scene-INC1"] and scene.rooms.rooms["INC1"].status == "closed"
    with pytest.raises(Conflict):
        video.staff_join(dispatcher(), "INC1", NOW + timedelta(minutes=6))


def test_a_closed_incident_refuses_the_join_and_clears_a_leftover_room(scene: Scene) -> None:
    video.caller_join("C1", "Bearer t", NOW)
    scene.incident.status = "closed"
    with pytest.raises(Conflict):
        video.caller_join("C1", "Bearer t", NOW + timedelta(minutes=1))
    assert scene.video.closed == ["ems-scene-INC1"]


def test_a_room_opened_while_the_incident_closed_is_closed_by_the_join(scene: Scene) -> None:
    scene.incident.status = "cancelled"
    caller = Principal(subject="call:C1", role=Role.CALLER, scopes=[])
    with pytest.raises(Conflict):
        video._room_record("INC1", caller, NOW)
    assert scene.rooms.rooms["INC1"].status == "closed" and scene.video.closed == ["ems-scene-INC1"]


def test_a_provider_failure_is_503_and_stores_no_room(scene: Scene) -> None:
    scene.video.fails = True
    with pytest.raises(ServiceUnavailable):
        video.caller_join("C1", "Bearer t", NOW)
    assert scene.rooms.rooms == {}
