"""The cpr domain's store, built on first use."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.cpr.ports import SceneRooms


@provider
def get_rooms() -> SceneRooms:
    from chalicelib.cpr.adapters import DynamoSceneRooms

    return DynamoSceneRooms()
