"""Handing over against in-memory ports: the booking closes, the bundle is kept and sent, who follows is told."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.bookings.api import AcceptedBooking
from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.handover import service
from chalicelib.handover.bundle import HandoverFacts
from chalicelib.handover.entities import Handover
from chalicelib.handover.ports import Admissions, FactSources, Followers, HandoverPorts, HandoverStore
from chalicelib.healthaccess.api import Access, Basis
from tests.unit.handover.test_handover_bundle import T0, stroke_facts

NOW = T0 + timedelta(minutes=48)
CREW = Principal(subject="crew-7", role=Role.CREW, scopes=["unit:AMB07"])
BOOKING = AcceptedBooking("BK1", "H03", "AMB07", T0 + timedelta(minutes=20), [{"order_id": "BK1-1", "code": "ct_head",
                                                                              "status": "active"}])  # fmt: skip


class Store(HandoverStore):
    def __init__(self) -> None:
        self.kept: list[Handover] = []

    def add(self, handover: Handover) -> None:
        self.kept.append(handover)

    def latest(self, incident_id: str) -> Handover | None:
        mine = [h for h in self.kept if h.incident_id == incident_id]
        return mine[-1] if mine else None


class Bookings(Admissions):
    def __init__(self, booking: AcceptedBooking | None, his: str = "ok") -> None:
        self.booking, self.his = booking, his
        self.steps: list[str] = []

    def accepted(self, incident_id: str) -> AcceptedBooking | None:
        return self.booking

    def arrive(self, booking_id: str, now: datetime) -> None:
        self.steps.append(f"arrive {booking_id}")

    def send(self, hospital_id: str, bundle: dict[str, Any]) -> str:
        self.steps.append(f"send {hospital_id} {bundle['resourceType']}")
        return self.his


class Facts(FactSources):
    def __init__(self) -> None:
        self.asked: list[str | None] = []

    def gather(self, incident_id: str, booking: AcceptedBooking, unit_id: str | None, now: datetime) -> HandoverFacts:
        self.asked.append(unit_id)
        return stroke_facts()


class Told(Followers):
    def __init__(self) -> None:
        self.told: list[tuple[str, str]] = []

    def handed_over(self, incident_id: str, booking_id: str, now: datetime) -> None:
        self.told.append((incident_id, booking_id))


@pytest.fixture(autouse=True)
def _access(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.healthaccess import api as access

    monkeypatch.setattr(access, "open_record", lambda *a, **kw: Access(Basis.ASSIGNED_CREW, unit_id="AMB07"))


def ports(booking: AcceptedBooking | None = BOOKING, his: str = "ok") -> Any:
    return HandoverPorts(store=Store(), admissions=Bookings(booking, his), facts=Facts(), followers=Told())


def test_the_handover_closes_the_booking_keeps_and_sends_the_bundle_then_tells_who_follows() -> None:
    p = ports(his="not_connected")
    view = service.hand_over(p, CREW, "INC1", NOW)
    assert p.admissions.steps == ["arrive BK1", "send H03 Bundle"] and p.facts.asked == ["AMB07"]
    [kept] = p.store.kept
    assert (kept.booking_id, kept.his_status, kept.handed_over_by) == ("BK1", "not_connected", "crew-7")
    assert kept.expires_at > NOW and view.bundle["resourceType"] == "Bundle"
    assert p.followers.told == [("INC1", "BK1")]
    assert service.fetch(p, CREW, "INC1", NOW).booking_id == "BK1"


def test_without_an_accepted_booking_nothing_happens_and_nothing_is_found() -> None:
    p = ports(booking=None)
    with pytest.raises(Conflict) as info:
        service.hand_over(p, CREW, "INC1", NOW)
    assert info.value.code == "no_accepted_booking"
    assert p.admissions.steps == [] and p.store.kept == [] and p.followers.told == []
    with pytest.raises(NotFound):
        service.fetch(p, CREW, "INC1", NOW)
