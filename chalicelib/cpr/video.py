"""The incident's scene video: the caller's phone sends the scene, the dispatcher (and a hospital's
experts) watch and coach. One room per incident, named `ems-scene-<incident>` (the functions may
touch KVS channels `ems-*` only), opened by whoever joins first, closed with the incident.

Joining is refused once the incident is closed, whatever the provider did: closing the room is only
clean-up, and a presigned join URL lapses within minutes anyway.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from chalicelib.consultations.schemas import IceServerView, VideoJoin
from chalicelib.core.auth import Principal, Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import Conflict, ServiceUnavailable
from chalicelib.core.observability import count, logger
from chalicelib.cpr.entities import SceneRoom
from chalicelib.cpr.ports import RoomClosed, SceneRooms
from chalicelib.cpr.schemas import CallerVideo, SceneParticipant, SceneVideo
from chalicelib.video.api import JoinInfo, Room, VideoUnavailable
from chalicelib.video.api import Role as VideoRole

MAX_PARTICIPANTS = 100  # joins are appended (a join URL lapses in minutes); this bounds the item


def room_name(incident_id: str) -> str:
    return f"ems-scene-{incident_id}"


def caller_join(call_id: str, bearer: str | None, now: datetime) -> CallerVideo:
    """The caller joins as the one sender (master): their phone shows the scene."""
    from chalicelib.incidents.api import caller_call

    _, incident = caller_call(call_id, bearer, now)
    _require_open(incident.incident_id, incident.status, now)
    caller = Principal(subject=f"call:{call_id}", role=Role.CALLER, scopes=[f"call:{call_id}"])
    _, info = _join(incident.incident_id, caller, "caller", "master", None, now)
    from chalicelib.platform import audit

    audit.record(caller, f"incident:{incident.incident_id}", "scene_video.join", "master")
    return CallerVideo(call_id=call_id, incident_id=incident.incident_id, video=_video_view(info))


def staff_join(who: Principal, incident_id: str, now: datetime) -> SceneVideo:
    """A dispatcher of the incident's county, or a hospital with access to its record, joins as a viewer.

    The health-data rule decides (the scene shows the patient) and puts the join on the audit trail.
    """
    from chalicelib.dispatch import api as dispatch
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "scene_video.join", now)
    incident = dispatch.incident(incident_id)
    _require_open(incident_id, incident.status if incident else "closed", now)
    hospital = next(iter(sorted(who.scope_ids("hospital"))), None) if who.role is Role.HOSPITAL else None
    kind = "hospital" if who.role is Role.HOSPITAL else "dispatcher"
    record, info = _join(incident_id, who, kind, "viewer", hospital, now)
    return SceneVideo(
        incident_id=incident_id, status=record.status, opened_at=record.opened_at,
        participants=[SceneParticipant.model_validate(p) for p in record.participants or []],
        video=_video_view(info),
    )  # fmt: skip


def close_for_incident(incident_id: str, now: datetime | None = None) -> bool:
    """Close the incident's room, if it has one. Best effort: never raises (it runs inside the request
    that closed the incident, which must not fail for it). True when a room was closed now.

    Why here and not a periodic sweep: every path that ends an incident (the crew back in service, a
    dispatcher's cancel) already calls the workflow's `closed` hook, so the room goes at once; a failed
    delete is counted (`VideoCloseFailed`) and retried by the next call of the hook or join attempt,
    and joins are refused on the incident's status alone, so a leftover room is a cost, never a leak.
    """
    try:
        room = _rooms().get(incident_id)
    except Exception as exc:
        return _close_failed(exc)
    if room is None or room.status == "closed":
        return False
    try:
        _provider().close(Room(**room.room))
        if not _rooms().close(incident_id, now or utcnow()):
            return False  # closed by a concurrent call of the hook
    except Exception as exc:
        return _close_failed(exc)
    count("SceneVideoClosed")
    return True


# -- helpers ----------------------------------------------------------------------------------------


def _join(
    incident_id: str, who: Principal, kind: str, role: VideoRole, hospital: str | None, now: datetime
) -> tuple[SceneRoom, JoinInfo]:
    scene = _room_record(incident_id, who, now)
    client_id = f"{kind}-{secrets.token_hex(4)}"
    info = _video(lambda v: v.join(Room(**scene.room), client_id, role, now))
    person = {"subject": who.subject, "kind": kind, "role": role, "hospital_id": hospital,
              "joined_at": now.isoformat()}  # fmt: skip
    try:
        scene = _rooms().rewrite_participants(scene, lambda people: [*people, person][-MAX_PARTICIPANTS:])
    except RoomClosed as exc:
        raise Conflict("the incident is closed", code="incident_closed") from exc
    return scene, info


def _room_record(incident_id: str, who: Principal, now: datetime) -> SceneRoom:
    """The incident's open room, opened (idempotently) by the first to join."""
    scene = _rooms().get(incident_id)
    if scene is not None:
        if scene.status != "open":
            raise Conflict("the incident is closed", code="incident_closed")
        return scene
    room = _video(lambda v: v.open(room_name(incident_id)))
    scene = SceneRoom(
        incident_id=incident_id, status="open", room={"provider": room.provider, "room_id": room.room_id,
        "name": room.name}, opened_at=now, opened_by=who.subject, participants=[],
    )  # fmt: skip
    if not _rooms().create(scene):
        return _room_record(incident_id, who, now)  # opened by a concurrent join: the same room by name
    count("SceneVideoOpened")
    _closed_meanwhile(incident_id, now)
    return scene


def _closed_meanwhile(incident_id: str, now: datetime) -> None:
    """The incident may have closed between our check and the room's save, its hook finding no room:
    read it again now that the room is stored, and close the room ourselves if so."""
    from chalicelib.dispatch import api as dispatch

    incident = dispatch.incident(incident_id)
    if incident is None or not incident.is_open:
        close_for_incident(incident_id, now)
        raise Conflict("the incident is closed", code="incident_closed")


def _require_open(incident_id: str, status: str, now: datetime) -> None:
    if status in ("closed", "cancelled"):
        close_for_incident(incident_id, now)  # a room left by a failed close goes now
        raise Conflict("the incident is closed", code="incident_closed", details={"status": status})


def _video(call: Any) -> Any:
    try:
        return call(_provider())
    except VideoUnavailable as exc:
        count("VideoUnavailable")
        raise ServiceUnavailable(f"video is unavailable ({exc.reason})", code="video_unavailable") from exc


def _rooms() -> SceneRooms:
    from chalicelib.cpr.wiring import get_rooms

    return get_rooms()


def _provider() -> Any:
    from chalicelib.video.api import provider

    return provider()


def _close_failed(exc: Exception) -> bool:
    count("VideoCloseFailed")
    logger().warning("scene video close failed", extra={"error": type(exc).__name__})
    return False


def _video_view(info: JoinInfo) -> VideoJoin:
    return VideoJoin(
        provider=info.provider, room_id=info.room_id, role=info.role, client_id=info.client_id,
        signaling_url=info.signaling_url, expires_at=info.expires_at, topics=info.topics,
        ice_servers=[IceServerView(urls=s.urls, username=s.username, credential=s.credential, ttl_s=s.ttl_s)
                     for s in info.ice_servers],
    )  # fmt: skip
