"""Consultation use cases: request, join, leave, close; every step under the health-data rule and audited.

The ambulance crew (or the desk) requests a session with specialties of a hospital; the hospital's
experts get a time-boxed grant to the record for the session and a notification; everyone joins the
same video room (the crew's unit as its one sender); the outcome is recorded when it closes and the
room is removed. Each use case takes its ports, so unit tests run it against in-memory fakes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from chalicelib.consultations.entities import Consultation, Participants
from chalicelib.consultations.ports import Bookings, ConsultationPorts
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
from chalicelib.healthaccess.api import Access
from chalicelib.video.api import JoinInfo, Room, VideoProvider, VideoUnavailable
from chalicelib.video.api import Role as VideoRole

GRANT_HOURS = 2  # the consulted hospital's access to the record: the session and its write-up
SCHEMA = 1


def request(
    ports: ConsultationPorts, bookings: Bookings, who: Principal, incident_id: str, req: ConsultationRequest,
    now: datetime,
) -> ConsultationView:  # fmt: skip
    access = _open(who, incident_id, "consultation.create", now, ",".join(req.specialties))
    holding = bookings.holding(incident_id) if req.hospital_id is None else None
    hospital_id = req.hospital_id or (holding[-1].hospital_id if holding else None)
    if hospital_id is not None and not _hospital_exists(hospital_id):
        raise ValidationFailed("no such hospital", code="unknown_hospital",
                               details=[{"field": "hospital_id", "message": "no such hospital"}])  # fmt: skip
    consultation_id = f"CS{now:%Y%m%d%H%M%S}{secrets.token_hex(3)}"
    room = _video(ports.video, lambda v: v.open(f"ems-{consultation_id}"))
    held = _held_basis(bookings, incident_id, hospital_id) if hospital_id is not None else None
    consultation = Consultation(
        consultation_id, incident_id=incident_id, hospital_id=hospital_id,
        specialties=[s.value for s in req.specialties], question=req.question, requested_by=who.subject,
        requested_at=now, status="open", room={"provider": room.provider, "room_id": room.room_id, "name": room.name},
        participants=[], access_basis=held or (f"consultation:{consultation_id}" if hospital_id else None),
    )  # fmt: skip
    ports.store.add(consultation)
    if hospital_id is not None:
        if held is None:
            _grant(incident_id, hospital_id, consultation_id, now)
        _notify(bookings, hospital_id, consultation, now)
    # The crew's unit sends the video; anyone else requesting joins as a viewer.
    role: VideoRole = "master" if who.role is Role.CREW and access.unit_id else "viewer"
    return _join(ports, who, consultation, role, now)


def join(ports: ConsultationPorts, who: Principal, consultation_id: str, now: datetime) -> ConsultationView:
    c = _get(ports, consultation_id)
    access = _open(who, c.incident_id, "consultation.join", now, consultation_id)
    if c.status != "open":
        raise Conflict("the consultation is closed", code="consultation_closed")
    master_taken = any(p["role"] == "master" and not p.get("left_at") for p in c.participants)
    role: VideoRole = "master" if who.role is Role.CREW and access.unit_id and not master_taken else "viewer"
    return _join(ports, who, c, role, now)


def leave(ports: ConsultationPorts, who: Principal, consultation_id: str, now: datetime) -> ConsultationView:
    c = _get(ports, consultation_id)
    _open(who, c.incident_id, "consultation.leave", now, consultation_id)

    def left(people: Participants | None) -> Participants:
        return [dict(p, left_at=now.isoformat()) if p["subject"] == who.subject and not p.get("left_at") else p
                for p in people or []]  # fmt: skip

    return _view(ports.store.change_participants(c, left))


def close(
    ports: ConsultationPorts, who: Principal, consultation_id: str, body: CloseRequest, now: datetime
) -> ConsultationView:
    c = _get(ports, consultation_id)
    _open(who, c.incident_id, "consultation.close", now, consultation_id)
    people = [p if p.get("left_at") else dict(p, left_at=now.isoformat()) for p in c.participants]
    closed = ports.store.close(c, body.outcome, now, who.subject, people)
    if closed is None:
        raise Conflict("the consultation is closed", code="consultation_closed")
    try:
        ports.video.close(Room(**closed.room))
    except VideoUnavailable:  # the session is closed either way; the channel is removed later by hand
        count("VideoCloseFailed")
    return _view(closed)


def of_incident(ports: ConsultationPorts, who: Principal, incident_id: str, now: datetime) -> ConsultationList:
    _open(who, incident_id, "consultations.read", now)
    rows = ports.store.of_incident(incident_id)
    return ConsultationList(incident_id=incident_id, consultations=[_view(c) for c in rows])


def access_ended(ports: ConsultationPorts, incident_id: str, hospital_id: str, why: str, now: datetime) -> int:
    """The hospital no longer reaches the record: its accounts' open seats in the incident's open
    consultations end now (the session goes on for the others). Returns the consultations changed."""
    ended = 0
    for c in ports.store.of_incident(incident_id):
        if c.status != "open" or not _seated(c.participants, hospital_id):
            continue

        def unseat(people: Participants | None) -> Participants:
            return [dict(p, left_at=now.isoformat()) if p.get("hospital_id") == hospital_id and not p.get("left_at")
                    else p for p in people or []]  # fmt: skip

        ports.store.change_participants(c, unseat)
        ended += 1
    if ended:
        count("ConsultationSeatsEnded", ended)
    return ended


def incident_of(ports: ConsultationPorts, consultation_id: str) -> str | None:
    return ports.store.incident_of(consultation_id)


# -- helpers ----------------------------------------------------------------------------------------


def _open(who: Principal, incident_id: str, action: str, now: datetime, detail: str | None = None) -> Access:
    from chalicelib.healthaccess.api import open_record

    return open_record(who, incident_id, action, now, detail)


def _join(
    ports: ConsultationPorts, who: Principal, c: Consultation, role: VideoRole, now: datetime
) -> ConsultationView:
    client_id = f"{who.role.value}-{secrets.token_hex(4)}"
    info = _video(ports.video, lambda v: v.join(Room(**c.room), client_id, role, now))
    hospital = next(iter(sorted(who.scope_ids("hospital"))), None) if who.role is Role.HOSPITAL else None
    person = {"subject": who.subject, "role": role, "hospital_id": hospital, "joined_at": now.isoformat(),
              "left_at": None}  # fmt: skip
    joined = ports.store.change_participants(c, lambda people: [*(people or []), person])
    return _view(joined, info)


def _video(video: VideoProvider, call: Callable[[VideoProvider], Any]) -> Any:
    try:
        return call(video)
    except VideoUnavailable as exc:
        count("VideoUnavailable")
        raise ServiceUnavailable(f"video is unavailable ({exc.reason})", code="video_unavailable") from exc


def _seated(people: Participants, hospital_id: str) -> bool:
    return any(p.get("hospital_id") == hospital_id and not p.get("left_at") for p in people)


def _held_basis(bookings: Bookings, incident_id: str, hospital_id: str) -> str | None:
    """The booking basis on which the hospital already holds the patient: the consultation rides on it
    (and ends with it) instead of a grant of its own."""
    held = [b for b in bookings.holding(incident_id) if b.hospital_id == hospital_id]
    return held[-1].basis if held else None


def _grant(incident_id: str, hospital_id: str, consultation_id: str, now: datetime) -> None:
    """The consulted hospital's own grant for the session, on the consultation's basis."""
    from chalicelib.healthaccess.api import grant_hospital

    grant_hospital(incident_id, hospital_id, f"consultation:{consultation_id}", f"consultation {consultation_id}",
                   "system", now, now + timedelta(hours=GRANT_HOURS))  # fmt: skip


def _notify(bookings: Bookings, hospital_id: str, c: Consultation, now: datetime) -> None:
    message = {"schema": SCHEMA, "type": "consultation_requested", "consultation_id": c.consultation_id,
               "incident_id": c.incident_id, "specialties": c.specialties, "question": c.question,
               "at": now.isoformat()}  # fmt: skip
    try:
        bookings.to_hospital(hospital_id, message)
    except Exception:
        count("ConsultationNotifyFailed")


def _hospital_exists(hospital_id: str) -> bool:
    from chalicelib.hospitals import api as hospitals

    return hospitals.find(hospital_id) is not None


def _get(ports: ConsultationPorts, consultation_id: str) -> Consultation:
    found = ports.store.get(consultation_id)
    if found is None:
        raise NotFound("no such consultation", code="consultation_not_found")
    return found


def _view(c: Consultation, info: JoinInfo | None = None) -> ConsultationView:
    video = None
    if info is not None:
        video = VideoJoin(
            provider=info.provider, room_id=info.room_id, role=info.role, client_id=info.client_id,
            signaling_url=info.signaling_url, expires_at=info.expires_at, topics=info.topics,
            ice_servers=[IceServerView(urls=s.urls, username=s.username, credential=s.credential, ttl_s=s.ttl_s)
                         for s in info.ice_servers],
        )  # fmt: skip
    return ConsultationView(
        consultation_id=c.consultation_id, incident_id=c.incident_id, hospital_id=c.hospital_id,
        specialties=c.specialties, question=c.question, status=c.status, requested_by=c.requested_by,
        requested_at=c.requested_at, participants=[Participant.model_validate(p) for p in c.participants],
        outcome=c.outcome, closed_at=c.closed_at, video=video,
    )  # fmt: skip
