"""Consultations' use cases against in-memory ports: who is asked, on what access, who is seated, closing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.consultations import service
from chalicelib.consultations.entities import Consultation, Holding, Participants
from chalicelib.consultations.ports import Bookings, ConsultationPorts, ConsultationStore
from chalicelib.consultations.schemas import CloseRequest, ConsultationRequest
from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, NotFound, ServiceUnavailable
from chalicelib.healthaccess.api import Access, Basis
from chalicelib.video.api import JoinInfo, Room, VideoProvider, VideoUnavailable

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
CREW = Principal(subject="crew-1", role=Role.CREW, scopes=["unit:AMB01"])
EXPERT = Principal(subject="dr-li", role=Role.HOSPITAL, scopes=["hospital:H02"])


class Store(ConsultationStore):
    def __init__(self) -> None:
        self.items: dict[str, Consultation] = {}

    def add(self, consultation: Consultation) -> None:
        assert consultation.consultation_id not in self.items
        self.items[consultation.consultation_id] = consultation

    def get(self, consultation_id: str) -> Consultation | None:
        return self.items.get(consultation_id)

    def of_incident(self, incident_id: str) -> list[Consultation]:
        return sorted((c for c in self.items.values() if c.incident_id == incident_id), key=lambda c: c.requested_at)

    def change_participants(
        self, consultation: Consultation, change: Callable[[Participants], Participants]
    ) -> Consultation:
        stored = self.items[consultation.consultation_id]  # applied to what is stored, as the table does
        changed = dataclasses.replace(stored, participants=change(list(stored.participants)))
        self.items[changed.consultation_id] = changed
        return changed

    def close(
        self, consultation: Consultation, outcome: str, at: datetime, by: str, participants: Participants
    ) -> Consultation | None:
        if self.items[consultation.consultation_id].status != "open":
            return None
        closed = dataclasses.replace(consultation, status="closed", outcome=outcome, closed_at=at, closed_by=by,
                                     participants=participants)  # fmt: skip
        self.items[closed.consultation_id] = closed
        return closed

    def incident_of(self, consultation_id: str) -> str | None:
        found = self.items.get(consultation_id)
        return found.incident_id if found else None


class Video(VideoProvider):
    def __init__(self, *, down: bool = False) -> None:
        self.down = down
        self.closed: list[str] = []

    def open(self, name: str) -> Room:
        if self.down:
            raise VideoUnavailable("create_channel")
        return Room(provider="fake", room_id=f"room-{name}", name=name)

    def join(self, room: Room, client_id: str, role: Any, now: datetime) -> JoinInfo:
        return JoinInfo(provider="fake", room_id=room.room_id, role=role, client_id=client_id,
                        signaling_url="wss://fake", expires_at=now + timedelta(minutes=5))  # fmt: skip

    def close(self, room: Room) -> None:
        self.closed.append(room.room_id)


class Booked(Bookings):
    def __init__(self, *holding: Holding) -> None:
        self.held = list(holding)
        self.told: list[tuple[str, dict[str, Any]]] = []

    def holding(self, incident_id: str) -> list[Holding]:
        return list(self.held)

    def to_hospital(self, hospital_id: str, message: dict[str, Any]) -> None:
        self.told.append((hospital_id, message))


@pytest.fixture
def grants(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """The health-data rule lets everyone in (its own tests say who may); grants are recorded."""
    from chalicelib.healthaccess import api as access
    from chalicelib.hospitals import api as hospitals

    given: list[tuple[str, str, str]] = []

    def open_record(who: Principal, incident_id: str, action: str, now: datetime, detail: str | None = None) -> Access:
        return Access(Basis.ASSIGNED_CREW, unit_id="AMB01") if who.role is Role.CREW else Access(Basis.GRANT)

    monkeypatch.setattr(access, "open_record", open_record)
    monkeypatch.setattr(access, "grant_hospital", lambda i, h, basis, *a: given.append((i, h, basis)))
    monkeypatch.setattr(hospitals, "find", lambda h: object() if h.startswith("H") else None)
    return given


def ports(video: Video | None = None) -> Any:
    return ConsultationPorts(store=Store(), video=video or Video())


def ask(**kw: Any) -> ConsultationRequest:
    return ConsultationRequest.model_validate({"specialties": ["neurology"], **kw})


def test_by_default_the_accepting_hospital_is_asked_on_its_booking(grants: list[tuple[str, str, str]]) -> None:
    p, booked = ports(), Booked(Holding("H01", "booking:BK1"), Holding("H02", "booking:BK2"))
    view = service.request(p, booked, CREW, "INC1", ask(), NOW)
    assert view.hospital_id == "H02" and view.video and view.video.role == "master"
    [stored] = p.store.items.values()
    assert stored.access_basis == "booking:BK2" and grants == []  # rides on the booking, no grant of its own
    assert [(h, m["type"]) for h, m in booked.told] == [("H02", "consultation_requested")]


def test_another_hospital_gets_a_grant_of_its_own_and_an_unknown_one_is_refused(
    grants: list[tuple[str, str, str]],
) -> None:
    p = ports()
    view = service.request(p, Booked(Holding("H01", "booking:BK1")), CREW, "INC1", ask(hospital_id="H07"), NOW)
    assert grants == [("INC1", "H07", f"consultation:{view.consultation_id}")]
    with pytest.raises(Exception) as info:
        service.request(p, Booked(), CREW, "INC1", ask(hospital_id="X1"), NOW)
    assert getattr(info.value, "code", None) == "unknown_hospital"


def test_one_sender_joins_as_master_the_others_view_and_closing_twice_is_409(
    grants: list[tuple[str, str, str]],
) -> None:
    video = Video()
    p = ports(video)
    first = service.request(p, Booked(), CREW, "INC1", ask(hospital_id="H02"), NOW)
    again = service.join(p, Principal(subject="crew-2", role=Role.CREW, scopes=["unit:AMB01"]),
                         first.consultation_id, NOW)  # fmt: skip
    expert = service.join(p, EXPERT, first.consultation_id, NOW)
    assert (again.video and again.video.role, expert.video and expert.video.role) == ("viewer", "viewer")
    assert [x.hospital_id for x in expert.participants] == [None, None, "H02"]
    done = service.close(p, EXPERT, first.consultation_id, CloseRequest(outcome="thrombolysis at H02"), NOW)
    assert done.status == "closed" and all(x.left_at for x in done.participants) and video.closed
    with pytest.raises(Conflict):
        service.close(p, EXPERT, first.consultation_id, CloseRequest(outcome="again"), NOW)
    with pytest.raises(Conflict):
        service.join(p, EXPERT, first.consultation_id, NOW)
    with pytest.raises(NotFound):
        service.join(p, EXPERT, "CS-NOPE", NOW)


def test_a_hospital_that_loses_access_loses_its_seats_and_nothing_else(grants: list[tuple[str, str, str]]) -> None:
    p = ports()
    first = service.request(p, Booked(), CREW, "INC1", ask(hospital_id="H02"), NOW)
    service.join(p, EXPERT, first.consultation_id, NOW)
    assert service.access_ended(p, "INC1", "H02", "booking:BK2", NOW) == 1
    seats = p.store.items[first.consultation_id].participants
    assert [(s["hospital_id"], bool(s["left_at"])) for s in seats] == [(None, False), ("H02", True)]
    assert service.access_ended(p, "INC1", "H02", "booking:BK2", NOW) == 0


def test_video_down_is_503_and_nothing_is_stored(grants: list[tuple[str, str, str]]) -> None:
    p = ports(Video(down=True))
    with pytest.raises(ServiceUnavailable):
        service.request(p, Booked(), CREW, "INC1", ask(hospital_id="H02"), NOW)
    assert p.store.items == {} and grants == []
