"""Two people joining the same video room at once: both are on the participant list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core.optimistic import StillConflicting, rewrite
from chalicelib.core.tables import bound
from chalicelib.cpr.dal import SceneVideoRecord

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def room(status: str = "open") -> None:
    bound(SceneVideoRecord)("INC1", status=status, room={"provider": "local", "room_id": "r", "name": "r"},
                            opened_at=NOW, opened_by="desk").save()  # fmt: skip


def test_a_concurrent_join_is_kept_not_overwritten(aws_env: Any) -> None:
    room()
    first, second = (bound(SceneVideoRecord).get("INC1") for _ in range(2))  # both read an empty list
    rewrite(first, SceneVideoRecord.participants, lambda people: [*(people or []), "desk"])
    rewrite(second, SceneVideoRecord.participants, lambda people: [*(people or []), "hospital"])
    assert bound(SceneVideoRecord).get("INC1", consistent_read=True).participants == ["desk", "hospital"]


def test_a_closed_room_is_not_rewritten(aws_env: Any) -> None:
    room(status="closed")
    record = bound(SceneVideoRecord).get("INC1")
    with pytest.raises(StillConflicting):
        rewrite(record, SceneVideoRecord.participants, lambda p: [*(p or []), "late"],
                also=SceneVideoRecord.status == "open")  # fmt: skip
    assert bound(SceneVideoRecord).get("INC1", consistent_read=True).participants == []
