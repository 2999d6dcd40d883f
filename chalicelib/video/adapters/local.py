"""The local stack's video provider: WebRTC signaling relayed over its MQTT broker.

Each room has topics on the local broker: the master (the scene or the ambulance) reads
`ems/video/{room}/to-master` and answers each viewer on `ems/video/{room}/to-viewer/{client_id}`;
a viewer does the reverse. Peers exchange SDP offers, answers and ICE candidates as JSON there and
connect directly on loopback (no TURN). What it does not do: authenticate peers on the topics,
relay media, record, or enforce the room's closing (the consultation refuses joins once closed).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.video.ports import JoinInfo, Role, Room, VideoProvider

VALID_S = 300


class LocalVideo(VideoProvider):
    def __init__(self, broker_url: str) -> None:
        self._broker = broker_url

    def open(self, name: str) -> Room:
        return Room(provider="local", room_id=name, name=name)

    def join(self, room: Room, client_id: str, role: Role, now: datetime) -> JoinInfo:
        base = f"ems/video/{room.room_id}"
        inbox = f"{base}/to-master" if role == "master" else f"{base}/to-viewer/{client_id}"
        outbox = f"{base}/to-viewer/{{client_id}}" if role == "master" else f"{base}/to-master"
        return JoinInfo(provider="local", room_id=room.room_id, role=role, client_id=client_id,
                        signaling_url=self._broker, expires_at=now + timedelta(seconds=VALID_S),
                        topics={"receive": inbox, "send": outbox})  # fmt: skip

    def close(self, room: Room) -> None:
        return None  # nothing is held for a room on the broker
