"""The PynamoDB store of scene video rooms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.core.optimistic import StillConflicting, rewrite
from chalicelib.core.tables import bound
from chalicelib.cpr.dal import SceneVideoRecord
from chalicelib.cpr.entities import SceneRoom
from chalicelib.cpr.ports import RoomClosed, SceneRooms


def _room(r: SceneVideoRecord) -> SceneRoom:
    return SceneRoom(incident_id=r.incident_id, status=r.status, room=dict(r.room), opened_at=r.opened_at,
                     opened_by=r.opened_by, participants=list(r.participants or []), closed_at=r.closed_at)  # fmt: skip


def _record(room: SceneRoom) -> SceneVideoRecord:
    return bound(SceneVideoRecord)(
        room.incident_id, status=room.status, room=room.room, opened_at=room.opened_at, opened_by=room.opened_by,
        participants=room.participants, closed_at=room.closed_at,
    )  # fmt: skip


class DynamoSceneRooms(SceneRooms):
    def get(self, incident_id: str) -> SceneRoom | None:
        try:
            return _room(bound(SceneVideoRecord).get(incident_id, consistent_read=True))
        except DoesNotExist:
            return None

    def create(self, room: SceneRoom) -> bool:
        record = _record(room)
        try:
            record.save(condition=SceneVideoRecord.incident_id.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def rewrite_participants(
        self, room: SceneRoom, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
    ) -> SceneRoom:
        record = _record(room)
        try:
            rewrite(record, SceneVideoRecord.participants, lambda people: change(list(people or [])),
                    also=SceneVideoRecord.status == "open")  # fmt: skip
        except StillConflicting as exc:
            if record.status != "open":
                raise RoomClosed(room.incident_id) from exc
            raise
        return _room(record)

    def close(self, incident_id: str, at: datetime) -> bool:
        record = bound(SceneVideoRecord)(incident_id)
        try:
            record.update(actions=[SceneVideoRecord.status.set("closed"), SceneVideoRecord.closed_at.set(at)],
                          condition=SceneVideoRecord.status == "open")  # fmt: skip
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True
