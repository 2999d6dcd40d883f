"""Bookings' use cases against in-memory ports: the offer, the answer, the move on, and who is told."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.bookings import service, wiring
from chalicelib.bookings.entities import Booking
from chalicelib.bookings.logic import DeclineReason
from chalicelib.bookings.ports import (
    AdmissionWatch,
    BookingMessages,
    BookingStore,
    HisNotConnected,
    HospitalSystem,
    Registration,
)
from chalicelib.bookings.schemas import Accept, BookingRequest, Decline
from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, Forbidden
from chalicelib.hospitals.schemas import HospitalOptions, OptionView, Origin
from chalicelib.incidents.entities import IncidentState

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
CREW = Principal(subject="crew-1", role=Role.CREW, scopes=["unit:AMB01"])


def desk(hospital_id: str) -> Principal:
    return Principal(subject=f"ed-{hospital_id}", role=Role.HOSPITAL, scopes=[f"hospital:{hospital_id}"])


class Store(BookingStore):
    def __init__(self) -> None:
        self.items: dict[str, Booking] = {}

    def add(self, booking: Booking) -> None:
        assert booking.booking_id not in self.items
        self.items[booking.booking_id] = booking

    def get(self, booking_id: str) -> Booking | None:
        return self.items.get(booking_id)

    def of_incident(self, incident_id: str) -> list[Booking]:
        return sorted((b for b in self.items.values() if b.incident_id == incident_id), key=lambda b: b.created_at)

    def of_hospital_since(self, hospital_id: str, since: datetime) -> list[Booking]:
        return [b for b in self.items.values() if b.hospital_id == hospital_id and b.created_at >= since]

    def set(self, booking: Booking, changes: dict[str, Any], *, if_status: str | None = None) -> Booking | None:
        stored = self.items[booking.booking_id]
        if if_status is not None and stored.status != if_status:
            return None
        changed = dataclasses.replace(stored, **changes)
        self.items[changed.booking_id] = changed
        return changed

    def incident_of(self, booking_id: str) -> str | None:
        found = self.items.get(booking_id)
        return found.incident_id if found else None


class His(HospitalSystem):
    def __init__(self, connected: bool = True) -> None:
        self.connected = connected
        self.calls: list[str] = []

    def propose(self, hospital_id: str, booking: dict[str, Any]) -> None:
        self.calls.append(f"propose {hospital_id}")

    def register(self, hospital_id: str, booking: dict[str, Any]) -> Registration:
        if not self.connected:
            raise HisNotConnected(hospital_id)
        self.calls.append(f"register {hospital_id}")
        return Registration(registration_no="R-1", payment_status="pending")

    def order(self, hospital_id: str, booking: dict[str, Any], orders: list[dict[str, Any]]) -> list[str]:
        return [f"SR-{i}" for i, _ in enumerate(orders)]

    def hand_over(self, hospital_id: str, bundle: dict[str, Any]) -> None:
        self.calls.append(f"hand_over {hospital_id}")


class Messages(BookingMessages):
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def to_hospital(self, hospital_id: str, message: dict[str, Any]) -> None:
        self.sent.append((f"hospital:{hospital_id}", message["type"]))

    def to_crew(self, unit_id: str, message: dict[str, Any]) -> None:
        self.sent.append((f"unit:{unit_id}", message["type"]))

    def to_desk(self, county: str, message: dict[str, Any]) -> None:
        self.sent.append((f"desk:{county}", message["type"]))


class Watch(AdmissionWatch):
    def __init__(self) -> None:
        self.accepted_: list[tuple[str, str]] = []

    def accepted(self, incident_id: str, booking_id: str) -> None:
        self.accepted_.append((incident_id, booking_id))


def option(rank: int, hospital_id: str, eta_s: int) -> OptionView:
    return OptionView(
        rank=rank, kind="qualified", hospital_id=hospital_id, name_zh=hospital_id, name_en=hospital_id, grade="3A",
        eta_s=eta_s, distance_m=eta_s * 10, capacity=None, warnings=[], reasons=[],
    )  # fmt: skip


OPTIONS = HospitalOptions(
    incident_id="INC1", level=2, pathway="stroke", required_capabilities=[], origin=Origin(lat=24.5, lon=117.6,
    source="unit", unit_id="AMB01"), options=[option(1, "H01", 600), option(2, "H02", 900)], skipped=[],
    transfer_plan=None, notes=[], computed_at=NOW,
)  # fmt: skip


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The other domains as bookings sees them: the options, the incident, the access rule, the trail."""
    from chalicelib.consultations import api as consultations
    from chalicelib.healthaccess import api as access
    from chalicelib.hospitals import api as hospitals
    from chalicelib.incidents import api as incidents
    from chalicelib.platform import audit

    seen: dict[str, Any] = {"store": Store(), "his": His(), "messages": Messages(), "grants": [], "revoked": [],
                            "trail": []}  # fmt: skip
    monkeypatch.setattr(wiring, "get_store", lambda: seen["store"])
    monkeypatch.setattr(wiring, "get_messages", lambda: seen["messages"])
    wiring.use_his(seen["his"])
    monkeypatch.setattr(hospitals, "options_for", lambda incident_id, now: OPTIONS)
    monkeypatch.setattr(hospitals, "find", lambda h: object())
    state = IncidentState(incident_id="INC1", county="350602", status="assigned", created_at=NOW, unit_id="AMB01")
    monkeypatch.setattr(incidents, "existing", lambda incident_id, *fields, **kw: state)
    monkeypatch.setattr(access, "open_record", lambda *a, **kw: None)
    monkeypatch.setattr(access, "grant_hospital", lambda i, h, basis, *a: seen["grants"].append((h, basis)))
    monkeypatch.setattr(access, "revoke", lambda i, grantee, basis, why, now: seen["revoked"].append((grantee, basis)))
    monkeypatch.setattr(access, "hospital_may_read", lambda h, i, now: False)
    monkeypatch.setattr(consultations, "access_ended", lambda *a: 0)
    monkeypatch.setattr(audit, "record", lambda who, subject, action, reason=None, **kw: seen["trail"].append(action))
    yield seen
    wiring.use_his(None)


def test_the_top_option_is_offered_and_its_acceptance_sets_everything_in_motion(world: dict[str, Any]) -> None:
    offer = service.create(CREW, "INC1", BookingRequest(), NOW)
    assert (offer.hospital_id, offer.status, offer.rank, offer.answer_by) == ("H01", "offered", 1, NOW + timedelta(
        seconds=120))  # fmt: skip
    watch = Watch()
    accepted = service.accept(desk("H01"), offer.booking_id, Accept(), NOW, watch)
    assert accepted.status == "accepted" and accepted.registration_no == "R-1" and accepted.his_status == "ok"
    assert world["grants"] == [("H01", f"booking:{offer.booking_id}")]
    assert watch.accepted_ == [("INC1", offer.booking_id)]
    assert world["messages"].sent == [
        ("hospital:H01", "booking_offered"), ("hospital:H01", "green_channel"), ("unit:AMB01", "booking_accepted"),
    ]  # fmt: skip
    assert world["his"].calls == ["propose H01", "register H01"]
    with pytest.raises(Conflict):  # one open booking per incident
        service.create(CREW, "INC1", BookingRequest(), NOW)


def test_only_the_offered_hospital_answers_and_an_answer_after_another_is_409(world: dict[str, Any]) -> None:
    offer = service.create(CREW, "INC1", BookingRequest(), NOW)
    with pytest.raises(Forbidden):
        service.accept(desk("H02"), offer.booking_id, Accept(), NOW, Watch())
    service.decline(desk("H01"), offer.booking_id, Decline(reason=DeclineReason.NO_CAPACITY), NOW)
    with pytest.raises(Conflict) as info:
        service.accept(desk("H01"), offer.booking_id, Accept(), NOW, Watch())
    assert info.value.code == "booking_not_open"


def test_a_decline_moves_on_to_the_next_option_and_then_the_desk_is_told(world: dict[str, Any]) -> None:
    first = service.create(CREW, "INC1", BookingRequest(), NOW)
    declined = service.decline(desk("H01"), first.booking_id, Decline(reason=DeclineReason.DIVERTING), NOW)
    assert declined.status == "declined" and declined.next_booking_id
    assert world["revoked"] == [("hospital:H01", f"booking:{first.booking_id}")]
    second = world["store"].items[declined.next_booking_id]
    assert (second.hospital_id, second.created_by) == ("H02", "system")
    last = service.decline(desk("H02"), second.booking_id, Decline(reason=DeclineReason.OTHER), NOW)
    assert last.next_booking_id is None and world["messages"].sent[-1] == ("desk:350602", "no_hospital_accepted")


def test_an_offer_lapses_only_after_its_time_and_the_workflow_sees_where_it_stands(world: dict[str, Any]) -> None:
    assert service.workflow_state("INC1", NOW, offer=False) == {"state": "exhausted", "answer_s": 1}
    waiting = service.workflow_state("INC1", NOW, offer=True)
    assert waiting["state"] == "waiting" and waiting["answer_s"] == 121
    assert service.expire(waiting["booking_id"], NOW) is None  # not yet
    later = NOW + timedelta(seconds=121)
    lapsed = service.expire(waiting["booking_id"], later)
    assert lapsed is not None and lapsed.status == "expired" and lapsed.next_booking_id


def test_the_information_system_not_connected_is_recorded_not_raised(world: dict[str, Any]) -> None:
    world["his"].connected = False
    offer = service.create(CREW, "INC1", BookingRequest(), NOW)
    accepted = service.accept(desk("H01"), offer.booking_id, Accept(), NOW, Watch())
    assert accepted.status == "accepted" and accepted.his_status == "not_connected" and accepted.registration_no is None


def test_a_closed_incident_ends_its_open_admission_and_tells_the_hospital(world: dict[str, Any]) -> None:
    offer = service.create(CREW, "INC1", BookingRequest(), NOW)
    assert service.incident_ended("INC1", "the incident ended", NOW) == 1
    ended = world["store"].items[offer.booking_id]
    assert ended.status == "cancelled" and ended.cancel_reason == "superseded: the incident ended"
    assert world["messages"].sent[-1] == ("hospital:H01", "booking_cancelled")
