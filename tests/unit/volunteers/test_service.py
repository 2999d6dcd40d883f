"""The volunteers' use cases over in-memory stores: registry and duty, an arrest's alert rounds, answers,
the dispatcher's unsafe-scene flag. The rules themselves are in test_volunteer_alerts.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.geo import distance_m
from chalicelib.core.publisher import use_publisher
from chalicelib.volunteers import alerts, answers, desk, notify, registry
from chalicelib.volunteers.entities import (
    Alert,
    AlertRound,
    AlertStatus,
    Candidate,
    ResponderNode,
    Volunteer,
    VolunteerTier,
)
from chalicelib.volunteers.ports import AlertStore, VolunteerStore
from chalicelib.volunteers.schemas import DutyRequest, LocationUpdate, NodeReport, SceneSafety, VolunteerRegistration

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
LAT, LON = 24.5, 117.65
M = 1 / 111_195.0  # degrees of latitude per metre


class MemoryVolunteers(VolunteerStore):
    def __init__(self) -> None:
        self.people: dict[str, Volunteer] = {}
        self.engaged: dict[str, tuple[str, datetime]] = {}

    def add(self, volunteer: Volunteer) -> bool:
        if volunteer.volunteer_id in self.people:
            return False
        self.people[volunteer.volunteer_id] = volunteer
        return True

    def get(self, volunteer_id: str) -> Volunteer | None:
        return self.people.get(volunteer_id)

    def exists(self, volunteer_id: str) -> bool:
        return volunteer_id in self.people

    def set_duty(self, volunteer_id: str, on_duty: bool, lat: float | None, lon: float | None, at: datetime, *,
                 on_duty_only: bool) -> bool:  # fmt: skip
        v = self.people.get(volunteer_id)
        if v is None or (on_duty_only and not v.on_duty):
            return False
        placed = on_duty and lat is not None and lon is not None
        self.people[volunteer_id] = v.model_copy(update={"on_duty": on_duty, "lat": lat if placed else None,
                                                         "lon": lon if placed else None,
                                                         "located_at": at if placed else None})  # fmt: skip
        return True

    def _candidate(self, v: Volunteer) -> Candidate:
        engaged, at = self.engaged.get(v.volunteer_id, (None, None))
        return Candidate(v.volunteer_id, v.tier, v.cert_expiry, v.lat or 0.0, v.lon or 0.0, v.located_at, engaged, at)

    def candidates(self, volunteer_ids: Iterable[str]) -> list[Candidate]:
        return [self._candidate(self.people[v]) for v in volunteer_ids if v in self.people]

    def contacts(self, volunteer_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        found = [self.people[v] for v in volunteer_ids if v in self.people]
        return {v.volunteer_id: (v.name.get_secret_value(), v.phone.get_secret_value()) for v in found}

    def near(self, lat: float, lon: float, radius_m: float, wanted: int,
             keep: Callable[[Candidate], bool]) -> list[Candidate]:  # fmt: skip
        on_duty = [v for v in self.people.values() if v.on_duty and v.lat is not None and v.lon is not None]
        return [self._candidate(v) for v in on_duty if distance_m(lat, lon, v.lat, v.lon) <= radius_m]  # type: ignore[arg-type]

    def engage(self, volunteer_id: str, incident_id: str, now: datetime, stale_before: datetime) -> bool:
        held = self.engaged.get(volunteer_id)
        if volunteer_id not in self.people or (held and held[0] != incident_id and held[1] >= stale_before):
            return False
        self.engaged[volunteer_id] = (incident_id, now)
        return True

    def release(self, volunteer_id: str, incident_id: str) -> None:
        if self.engaged.get(volunteer_id, ("",))[0] == incident_id:
            del self.engaged[volunteer_id]


class MemoryAlerts(AlertStore):
    def __init__(self) -> None:
        self.by_incident: dict[str, AlertRound] = {}
        self.items: dict[tuple[str, str], Alert] = {}

    def round(self, incident_id: str) -> AlertRound | None:
        return self.by_incident.get(incident_id)

    def rounds(self, incident_ids: Iterable[str]) -> dict[str, AlertRound]:
        return {i: self.by_incident[i] for i in incident_ids if i in self.by_incident}

    def create_round(self, rnd: AlertRound) -> bool:
        return self.by_incident.setdefault(rnd.incident_id, rnd) is rnd

    def end_round(self, incident_id: str, reason: str, at: datetime) -> None:
        rnd = self.by_incident[incident_id]
        if rnd.ended_at is None:
            self.by_incident[incident_id] = replace(rnd, ended_at=at, ended_reason=reason)

    def set_unsafe(self, incident_id: str, note: str) -> None:
        self.by_incident[incident_id] = replace(self.by_incident[incident_id], unsafe=True, unsafe_note=note)

    def resume(self, incident_id: str, at: datetime, generation: int) -> None:
        self.by_incident[incident_id] = replace(self.by_incident[incident_id], unsafe=False, ended_at=None,
                                                ended_reason=None, started_at=at, generation=generation)  # fmt: skip

    def alerts(self, incident_id: str, *, limit: int | None = None) -> list[Alert]:
        return [a for (i, _), a in sorted(self.items.items()) if i == incident_id][:limit]

    def alert(self, incident_id: str, volunteer_id: str) -> Alert | None:
        return self.items.get((incident_id, volunteer_id))

    def of_volunteer(self, volunteer_id: str, limit: int) -> list[Alert]:
        mine = [a for (_, v), a in self.items.items() if v == volunteer_id]
        return sorted(mine, key=lambda a: a.offered_at, reverse=True)[:limit]

    def offer(self, alert: Alert) -> bool:
        return self.items.setdefault((alert.incident_id, alert.volunteer_id), alert) is alert

    def move(self, incident_id: str, volunteer_id: str, old: AlertStatus, new: AlertStatus, at: datetime,
             reason: str | None) -> bool:  # fmt: skip
        a = self.items[(incident_id, volunteer_id)]
        if a.status != old.value:
            return False
        answered = at if new in (AlertStatus.ACCEPTED, AlertStatus.DECLINED) else a.answered_at
        self.items[(incident_id, volunteer_id)] = replace(a, status=new.value, answered_at=answered,
                                                          reason=reason or a.reason)  # fmt: skip
        return True

    def report(self, incident_id: str, volunteer_id: str, node: ResponderNode, at: datetime) -> None:
        a = self.items[(incident_id, volunteer_id)]
        if getattr(a, f"{node.value}_at") is None:
            reported: dict[str, Any] = {f"{node.value}_at": at}
            self.items[(incident_id, volunteer_id)] = replace(a, **reported)


@dataclass
class Point:
    lat: float
    lon: float


@dataclass
class Incident:
    incident_id: str = "INC1"
    county: str = "350602"
    status: str = "dispatched"
    point: Point = field(default_factory=lambda: Point(LAT, LON))
    address_text: str | None = "芗城区胜利路1号"
    symptoms: tuple[str, ...] = ("cardiac_arrest",)
    unit_id: str | None = "AMB01"
    location: dict[str, Any] = field(default_factory=lambda: {"address_code": None})

    @property
    def is_open(self) -> bool:
        return self.status not in ("closed", "cancelled")


class Trail:
    def append_audit(self, event: object) -> None:
        return None


class Published:
    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, object]]] = []

    def publish(self, topic: str, payload: dict[str, object], qos: int = 1) -> None:
        self.messages.append((topic, payload))

    def kinds(self, volunteer_id: str) -> list[object]:
        return [p["type"] for t, p in self.messages if t == f"ems/volunteers/{volunteer_id}/alerts"]


@dataclass
class World:
    volunteers: MemoryVolunteers
    alerts: MemoryAlerts
    incident: Incident
    published: Published
    started: list[tuple[str, int]]


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    w = World(MemoryVolunteers(), MemoryAlerts(), Incident(), Published(), [])
    monkeypatch.setattr("chalicelib.volunteers.wiring.get_volunteers", lambda: w.volunteers)
    monkeypatch.setattr("chalicelib.volunteers.wiring.get_alerts", lambda: w.alerts)
    monkeypatch.setattr(
        "chalicelib.dispatch.api.incident", lambda i: w.incident if i == w.incident.incident_id else None
    )
    monkeypatch.setattr("chalicelib.aeds.api.usable_aed_near", lambda *a, **k: None)
    monkeypatch.setattr("chalicelib.aeds.api.keepers_of", lambda aed_id: [])
    monkeypatch.setattr(
        "chalicelib.platform.audit.get_store", lambda: type("T", (), {"append_audit": lambda s, e: None})()
    )
    monkeypatch.setattr(alerts, "time_node", lambda *a: None)
    monkeypatch.setattr("chalicelib.volunteers.service.start_round", lambda i, name=None, g=0: w.started.append((i, g)))
    use_publisher(w.published)  # type: ignore[arg-type]
    yield w
    use_publisher(None)


def admin() -> Principal:
    return Principal(subject="ops", role=Role.ADMIN, scopes=[])


def volunteer(vid: str) -> Principal:
    return Principal(subject=f"u-{vid}", role=Role.VOLUNTEER, scopes=[f"volunteer:{vid}"])


def dispatcher() -> Principal:
    return Principal(subject="desk", role=Role.DISPATCHER, scopes=["county:350602"])


def enrol(vid: str, north_m: float, tier: str = "registered") -> None:
    body = VolunteerRegistration(volunteer_id=vid, name=f"志愿者{vid}", phone="13800000000", tier=VolunteerTier(tier),
                                 cert_no="C12345", cert_expiry=date(2030, 1, 1), county="350602")  # fmt: skip
    registry.register(admin(), body, NOW)
    registry.duty(volunteer(vid), DutyRequest(on_duty=True, lat=LAT + north_m * M, lon=LON), NOW)


def test_registry_duty_and_position(world: World) -> None:
    body = VolunteerRegistration(volunteer_id="V1", name="王芳", phone="13800000000", tier=VolunteerTier.PUBLIC,
                                 cert_no="C12345", cert_expiry=date(2030, 1, 1), county="350602")  # fmt: skip
    assert not registry.register(admin(), body, NOW).on_duty
    with pytest.raises(Conflict):
        registry.register(admin(), body, NOW)
    with pytest.raises(Conflict):  # off duty: no position to report
        registry.locate(volunteer("V1"), LocationUpdate(lat=LAT, lon=LON), NOW)
    on = registry.duty(volunteer("V1"), DutyRequest(on_duty=True, lat=LAT, lon=LON), NOW)
    assert on.on_duty and on.located_at == NOW and on.certified
    off = registry.duty(volunteer("V1"), DutyRequest(on_duty=False), NOW)
    assert not off.on_duty and off.located_at is None
    with pytest.raises(NotFound):
        registry.me(volunteer("V9"), NOW)


def test_a_round_alerts_the_three_nearest_and_a_decline_passes_the_alert_on(world: World) -> None:
    for vid, metres in (("VA", 100), ("VB", 200), ("VC", 300), ("VD", 400), ("far", 900)):
        enrol(vid, metres)
    outcome = alerts.start("INC1", NOW)
    assert not outcome.done and outcome.offered == 3
    assert {a.volunteer_id for a in world.alerts.alerts("INC1")} == {"VA", "VB", "VC"}
    assert world.published.kinds("VA") == ["alert"]
    answers.decline(volunteer("VB"), notify.alert_id("INC1", "VB"), NOW + timedelta(seconds=5))
    statuses = {a.volunteer_id: a.status for a in world.alerts.alerts("INC1")}
    assert statuses == {"VA": "offered", "VB": "declined", "VC": "offered", "VD": "offered"}


def test_an_accept_engages_the_volunteer_shows_the_place_and_reports_stand(world: World) -> None:
    enrol("VA", 100)
    alerts.start("INC1", NOW)
    alert_id = notify.alert_id("INC1", "VA")
    view = answers.accept(volunteer("VA"), alert_id, NOW + timedelta(seconds=10))
    assert view.status is AlertStatus.ACCEPTED and view.place.exact and view.place.address == "芗城区胜利路1号"
    assert world.volunteers.engaged["VA"][0] == "INC1"
    first = NOW + timedelta(seconds=40)
    answers.report(
        volunteer("VA"), alert_id, NodeReport(node=ResponderNode.ON_SCENE, at=first), NOW + timedelta(minutes=1)
    )
    again = answers.report(
        volunteer("VA"), alert_id, NodeReport(node=ResponderNode.ON_SCENE), NOW + timedelta(minutes=2)
    )
    assert again.nodes[ResponderNode.ON_SCENE] == first  # the first report stands
    with pytest.raises(NotFound):  # someone else's alert is not found, not forbidden
        answers.accept(volunteer("VB"), alert_id, NOW)


def test_an_unsafe_scene_stands_everyone_down_and_safe_again_starts_a_new_execution(world: World) -> None:
    enrol("VA", 100)
    enrol("VB", 200)
    alerts.start("INC1", NOW)
    answers.accept(volunteer("VA"), notify.alert_id("INC1", "VA"), NOW)
    seen = desk.scene_safety(dispatcher(), "INC1", SceneSafety(unsafe=True, note="violent"), NOW + timedelta(minutes=1))
    assert seen.unsafe and not seen.alerting
    assert {v.volunteer_id: v.status for v in seen.volunteers} == {"VA": "cancelled", "VB": "cancelled"}
    assert "VA" not in world.volunteers.engaged and "stand_down" in world.published.kinds("VA")
    assert alerts.advance("INC1", NOW + timedelta(minutes=2), 0).reason == "unsafe_scene"
    again = desk.scene_safety(dispatcher(), "INC1", SceneSafety(unsafe=False), NOW + timedelta(minutes=3))
    assert not again.unsafe and again.alerting and world.started == [("INC1", 1)]


def test_the_dispatcher_sees_who_accepted_with_their_phone_the_crew_without(world: World) -> None:
    enrol("VA", 100)
    enrol("VB", 200)
    alerts.start("INC1", NOW)
    answers.accept(volunteer("VA"), notify.alert_id("INC1", "VA"), NOW)
    listed = {v.volunteer_id: (v.name, v.phone) for v in desk.responders(dispatcher(), "INC1").volunteers}
    assert listed == {"VA": ("志愿者VA", "13800000000"), "VB": (None, None)}
    crew = Principal(subject="crew1", role=Role.CREW, scopes=["unit:AMB01"])
    assert all(v.name is None for v in desk.responders(crew, "INC1").volunteers)


def test_the_round_ends_when_the_crew_is_there_and_keeps_those_on_their_way(world: World) -> None:
    enrol("VA", 100)
    enrol("VB", 200)
    alerts.start("INC1", NOW)
    answers.accept(volunteer("VA"), notify.alert_id("INC1", "VA"), NOW)
    world.incident.status = "on_scene"
    outcome = alerts.advance("INC1", NOW + timedelta(minutes=1), 0)
    assert outcome.done and outcome.reason == "crew_on_scene"
    assert {a.volunteer_id: a.status for a in world.alerts.alerts("INC1")} == {"VA": "accepted", "VB": "cancelled"}
