"""Consultation use cases: request, join, leave, close; every step under the health-data rule and audited.

The ambulance crew (or the desk) requests a session with specialties of a hospital; the hospital's
experts get a time-boxed grant to the record for the session and a notification; everyone joins the
same video room (the crew's unit as its one sender); the outcome is recorded when it closes and the
room is removed.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.consultations.dal import ConsultationRecord
from chalicelib.consultations.schemas import (
    CloseRequest,
    ConsultationList,
    ConsultationRequest,
    ConsultationView,
    IceServerView,
    Participant,
    VideoJoin,
)
from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from chalicelib.core.observability import count
from chalicelib.core.optimistic import rewrite
from chalicelib.core.tables import bound
from chalicelib.video.ports import JoinInfo, Room, VideoUnavailable

GRANT_HOURS = 2  # the consulted hospital's access to the record: the session and its write-up
_HOLDING = ("accepted", "arrived")  # bookings whose hospital has the patient
SCHEMA = 1


def request(who: Principal, incident_id: str, req: ConsultationRequest, now: datetime) -> ConsultationView:
    access = _open(who, incident_id, "consultation.create", now, ",".join(req.specialties))
    hospital_id = req.hospital_id or _accepting_hospital(incident_id)
    if hospital_id is not None and not _hospital_exists(hospital_id):
        raise ValidationFailed("no such hospital", code="unknown_hospital",
                               details=[{"field": "hospital_id", "message": "no such hospital"}])  # fmt: skip
    consultation_id = f"CS{now:%Y%m%d%H%M%S}{secrets.token_hex(3)}"
    room = _video(lambda v: v.open(f"ems-{consultation_id}"))
    held = _held_basis(incident_id, hospital_id) if hospital_id is not None else None
    record = bound(ConsultationRecord)(
        consultation_id, incident_id=incident_id, hospital_id=hospital_id,
        specialties=[s.value for s in req.specialties], question=req.question, requested_by=who.subject,
        requested_at=now, status="open", room={"provider": room.provider, "room_id": room.room_id, "name": room.name},
        participants=[], access_basis=held or (f"consultation:{consultation_id}" if hospital_id else None),
    )  # fmt: skip
    record.save(condition=ConsultationRecord.consultation_id.does_not_exist())
    if hospital_id is not None:
        if held is None:
            _grant(incident_id, hospital_id, consultation_id, now)
        _notify(hospital_id, record, now)
    # The crew's unit sends the video; anyone else requesting joins as a viewer.
    role = "master" if who.role is Role.CREW and access.unit_id else "viewer"
    return _join(who, record, role, now)


def join(who: Principal, consultation_id: str, now: datetime) -> ConsultationView:
    record = _get(consultation_id)
    access = _open(who, record.incident_id, "consultation.join", now, consultation_id)
    if record.status != "open":
        raise Conflict("the consultation is closed", code="consultation_closed")
    master_taken = any(p["role"] == "master" and not p.get("left_at") for p in record.participants or [])
    role = "master" if who.role is Role.CREW and access.unit_id and not master_taken else "viewer"
    return _join(who, record, role, now)


def leave(who: Principal, consultation_id: str, now: datetime) -> ConsultationView:
    record = _get(consultation_id)
    _open(who, record.incident_id, "consultation.leave", now, consultation_id)

    def left(people: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        return [dict(p, left_at=now.isoformat()) if p["subject"] == who.subject and not p.get("left_at") else p
                for p in people or []]  # fmt: skip

    rewrite(record, ConsultationRecord.participants, left)
    return _view(record)


def close(who: Principal, consultation_id: str, body: CloseRequest, now: datetime) -> ConsultationView:
    record = _get(consultation_id)
    _open(who, record.incident_id, "consultation.close", now, consultation_id)
    people = [p if p.get("left_at") else dict(p, left_at=now.isoformat()) for p in record.participants or []]
    actions: list[Action] = [ConsultationRecord.status.set("closed"), ConsultationRecord.outcome.set(body.outcome),
               ConsultationRecord.closed_at.set(now), ConsultationRecord.closed_by.set(who.subject),
               ConsultationRecord.participants.set(people)]  # fmt: skip
    try:
        record.update(actions=actions, condition=ConsultationRecord.status == "open")
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict("the consultation is closed", code="consultation_closed") from exc
        raise
    try:
        _room_provider().close(_room(record))
    except VideoUnavailable:  # the session is closed either way; the channel is removed later by hand
        count("VideoCloseFailed")
    return _view(record)


def of_incident(who: Principal, incident_id: str, now: datetime) -> ConsultationList:
    _open(who, incident_id, "consultations.read", now)
    rows = bound(ConsultationRecord).by_incident.query(incident_id)
    return ConsultationList(incident_id=incident_id, consultations=[_view(r) for r in rows])


# -- helpers ----------------------------------------------------------------------------------------


def _open(who: Principal, incident_id: str, action: str, now: datetime, detail: str | None = None) -> Any:
    from chalicelib.healthaccess.api import open_record

    return open_record(who, incident_id, action, now, detail)


def _join(who: Principal, record: ConsultationRecord, role: str, now: datetime) -> ConsultationView:
    client_id = f"{who.role.value}-{secrets.token_hex(4)}"
    info = _video(lambda v: v.join(_room(record), client_id, role, now))
    hospital = next(iter(sorted(who.scope_ids("hospital"))), None) if who.role is Role.HOSPITAL else None
    person = {"subject": who.subject, "role": role, "hospital_id": hospital, "joined_at": now.isoformat(),
              "left_at": None}  # fmt: skip
    rewrite(record, ConsultationRecord.participants, lambda people: [*(people or []), person])
    return _view(record, info)


def _video(call: Any) -> Any:
    try:
        return call(_room_provider())
    except VideoUnavailable as exc:
        count("VideoUnavailable")
        raise ServiceUnavailable(f"video is unavailable ({exc.reason})", code="video_unavailable") from exc


def _room_provider() -> Any:
    from chalicelib.video.api import provider

    return provider()


def _room(record: ConsultationRecord) -> Room:
    return Room(**record.room)


def access_ended(incident_id: str, hospital_id: str, why: str, now: datetime) -> int:
    """The hospital no longer reaches the record: its accounts' open seats in the incident's open
    consultations end now (the session goes on for the others). Returns the consultations changed."""
    ended = 0
    for record in bound(ConsultationRecord).by_incident.query(incident_id):
        if record.status != "open" or not _seated(record.participants, hospital_id):
            continue

        def unseat(people: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
            return [dict(p, left_at=now.isoformat()) if p.get("hospital_id") == hospital_id and not p.get("left_at")
                    else p for p in people or []]  # fmt: skip

        rewrite(record, ConsultationRecord.participants, unseat)
        ended += 1
    if ended:
        count("ConsultationSeatsEnded", ended)
    return ended


def _seated(people: list[dict[str, Any]] | None, hospital_id: str) -> bool:
    return any(p.get("hospital_id") == hospital_id and not p.get("left_at") for p in people or [])


def _held_basis(incident_id: str, hospital_id: str) -> str | None:
    """The booking basis on which the hospital already holds the patient: the consultation rides on it
    (and ends with it) instead of a grant of its own."""
    from chalicelib.bookings.access import basis
    from chalicelib.bookings.service import of_incident_records

    held = [b for b in of_incident_records(incident_id) if b.hospital_id == hospital_id and b.status in _HOLDING]
    return basis(held[-1]) if held else None


def _grant(incident_id: str, hospital_id: str, consultation_id: str, now: datetime) -> None:
    """The consulted hospital's own grant for the session, on the consultation's basis."""
    from chalicelib.healthaccess.api import grant_hospital

    grant_hospital(incident_id, hospital_id, f"consultation:{consultation_id}", f"consultation {consultation_id}",
                   "system", now, now + timedelta(hours=GRANT_HOURS))  # fmt: skip


def _notify(hospital_id: str, record: ConsultationRecord, now: datetime) -> None:
    from chalicelib.bookings.deps import get_messages

    message = {"schema": SCHEMA, "type": "consultation_requested", "consultation_id": record.consultation_id,
               "incident_id": record.incident_id, "specialties": record.specialties, "question": record.question,
               "at": now.isoformat()}  # fmt: skip
    try:
        get_messages().to_hospital(hospital_id, message)
    except Exception:
        count("ConsultationNotifyFailed")


def _accepting_hospital(incident_id: str) -> str | None:
    from chalicelib.bookings.service import of_incident_records

    held = [b.hospital_id for b in of_incident_records(incident_id) if b.status in _HOLDING]
    return held[-1] if held else None


def _hospital_exists(hospital_id: str) -> bool:
    from chalicelib.hospitals import api as hospitals

    return hospitals.find(hospital_id) is not None


def _get(consultation_id: str) -> ConsultationRecord:
    try:
        return bound(ConsultationRecord).get(consultation_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("no such consultation", code="consultation_not_found") from None


def _view(r: ConsultationRecord, info: JoinInfo | None = None) -> ConsultationView:
    video = None
    if info is not None:
        video = VideoJoin(
            provider=info.provider, room_id=info.room_id, role=info.role, client_id=info.client_id,
            signaling_url=info.signaling_url, expires_at=info.expires_at, topics=info.topics,
            ice_servers=[IceServerView(urls=s.urls, username=s.username, credential=s.credential, ttl_s=s.ttl_s)
                         for s in info.ice_servers],
        )  # fmt: skip
    return ConsultationView(
        consultation_id=r.consultation_id, incident_id=r.incident_id, hospital_id=r.hospital_id,
        specialties=r.specialties, question=r.question, status=r.status, requested_by=r.requested_by,
        requested_at=r.requested_at, participants=[Participant.model_validate(p) for p in r.participants or []],
        outcome=r.outcome, closed_at=r.closed_at, video=video,
    )  # fmt: skip


def incident_of(consultation_id: str) -> str | None:
    try:
        return str(bound(ConsultationRecord).get(consultation_id, attributes_to_get=["incident_id"]).incident_id)
    except DoesNotExist:
        return None
