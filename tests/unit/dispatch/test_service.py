"""Dispatch's use cases against in-memory ports: the recommendation (county first, then the city),
the dispatcher's board, a manual assignment and a cancellation. The automatic dispatch is
`test_dispatch_assign.py`; its claim store and outbox are reused here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.dispatch.entities import Candidate, Point
from chalicelib.dispatch.eta import ModelEta
from chalicelib.dispatch.ports import CandidateSource
from chalicelib.dispatch.schemas import AssignRequest, CancelRequest
from chalicelib.dispatch.service import board, recommend_for
from chalicelib.fleet.entities import Unit, UnitAvailable, UnitState, UnitStatus, UnitType
from tests.unit.dispatch.test_dispatch_assign import NOW, MemoryStore, Outbox, incident, ports

DESK = Principal(subject="desk-1", role=Role.DISPATCHER, scopes=["county:350602"])
OTHER_DESK = Principal(subject="desk-2", role=Role.DISPATCHER, scopes=["county:350603"])
HERE = Point(24.51, 117.65)
WHERE = {"address_code": None, "text": "芗城区某路1号", "lat": 24.51, "lon": 117.65, "confidence": "device"}


@pytest.fixture(autouse=True)
def audited(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """The audit trail, in memory (the platform's store is tested with the platform)."""
    trail: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "chalicelib.platform.audit.record", lambda who, subject, action, *a, **k: trail.append((subject, action))
    )
    monkeypatch.setattr("chalicelib.healthaccess.refusals.record_refusal", lambda *a, **k: None)
    yield trail


@dataclass
class Candidates(CandidateSource):
    """Free units per county; `None` is the whole city."""

    by_county: dict[str | None, list[Candidate]]
    asked: list[str | None] = field(default_factory=list)

    def available_near(
        self, point: Point, unit_types: frozenset[UnitType], county: str | None, want: int
    ) -> tuple[list[Candidate], int]:
        self.asked.append(county)
        found = [c for c in self.by_county.get(county, []) if c.type in unit_types][:want]
        return found, len(found)


def candidate(unit_id: str, county: str, km_north: float, *, minutes_old: int = 0) -> Candidate:
    at = Point(HERE.lat + km_north / 111, HERE.lon)
    return Candidate(unit_id, UnitType.ALS, county, at, NOW - timedelta(minutes=minutes_old), "ST01", None)


def test_the_county_is_searched_first_and_its_units_ranked_by_travel_time() -> None:
    source = Candidates({"350602": [candidate("FAR", "350602", 8), candidate("NEAR", "350602", 1)]})
    result = recommend_for(HERE, UnitType.ALS, "350602", NOW, source, ModelEta())
    assert source.asked == ["350602"] and not result.city_wide and not result.degraded
    assert [r.unit_id for r in result.recommendations] == ["NEAR", "FAR"]
    assert result.recommendations[0].reasons[0] == "nearest by travel time"


def test_a_county_with_no_suitable_unit_widens_to_the_city() -> None:
    source = Candidates({"350602": [], None: [candidate("NEXT", "350603", 3)]})
    result = recommend_for(HERE, UnitType.BLS, "350602", NOW, source, ModelEta())
    assert source.asked == ["350602", None] and result.city_wide
    assert result.recommendations[0].unit_id == "NEXT"
    assert "other county: none free in county" in result.recommendations[0].reasons


def test_an_escalated_search_skips_the_county() -> None:
    source = Candidates({None: [candidate("ANY", "350603", 2)]})
    recommend_for(HERE, UnitType.ALS, "350602", NOW, source, ModelEta(), city_wide=True)
    assert source.asked == [None]


def test_the_board_shows_waiting_incidents_first_the_longest_wait_on_top() -> None:
    store = MemoryStore({
        "INC1": incident(1, minutes=0, location=WHERE),
        "INC2": incident(2, minutes=1, status="waiting", waiting_since=NOW + timedelta(minutes=5), location=WHERE),
        "INC3": incident(3, minutes=2, status="waiting", waiting_since=NOW + timedelta(minutes=3), location=WHERE),
        "INC4": incident(4, county="350603", location=WHERE),
    })  # fmt: skip
    listed = board.board(ports(store, Outbox()), DESK, None, None)
    assert [i.incident_id for i in listed.incidents] == ["INC3", "INC2", "INC1"]  # only the desk's county
    assert [i.incident_id for i in board.board(ports(store, Outbox()), DESK, None, "waiting").incidents] == [
        "INC3",
        "INC2",
    ]


class Fleet:
    """`get` of the units dispatch reads around a command (the fleet's store is tested with the fleet)."""

    def __init__(self, *units: tuple[str, UnitStatus]) -> None:
        self.units = dict(units)

    def get(self, unit_id: str, *, consistent: bool = False) -> UnitState | None:
        if unit_id not in self.units:
            return None
        unit = Unit(
            unit_id=unit_id, plate="闽E1", type=UnitType.ALS, station_id="ST01", county="350602",
            status=self.units[unit_id], lat=24.5, lon=117.6, position_at=NOW,
        )  # fmt: skip
        return UnitState(unit=unit, version=3)


@dataclass
class Sink:
    told: list[UnitAvailable] = field(default_factory=list)

    def unit_available(self, event: UnitAvailable) -> None:
        self.told.append(event)


def command(fn: Any, store: MemoryStore, out: Outbox, fleet: Fleet, sink: Sink, req: Any, **more: Any) -> Any:
    return fn(ports=ports(store, out), fleet=fleet, sink=sink, who=DESK, incident_id="INC1", req=req, now=NOW, **more)


def test_a_manual_assignment_stands_down_the_unit_it_replaces_and_offers_it_to_waiting_incidents(
    audited: list[tuple[str, str]],
) -> None:
    store = MemoryStore({"INC1": incident(1, status="assigned", unit_id="A1", notified_at=NOW)}, free={"A2"})
    out, sink = Outbox(), Sink()
    fleet = Fleet(("A1", UnitStatus.AVAILABLE), ("A2", UnitStatus.AVAILABLE))
    result = command(board.assign, store, out, fleet, sink, AssignRequest(unit_id="A2", reason="closer"))
    assert (result.unit_id, result.previous_unit_id, result.status) == ("A2", "A1", "assigned")
    assert ("A1", "stand_down") in [(u, m["type"]) for u, m in out.crew]
    assert ("A2", "assignment") in [(u, m["type"]) for u, m in out.crew]  # no workflow waits: the crew is told
    assert [e.unit_id for e in sink.told] == ["A1"]
    assert ("incident:INC1", "incident.assign") in audited


def test_a_busy_unit_cannot_be_assigned_by_hand() -> None:
    store = MemoryStore({"INC1": incident(1)}, free=set())
    fleet = Fleet(("A2", UnitStatus.EN_ROUTE))
    with pytest.raises(Conflict) as refused:
        command(board.assign, store, Outbox(), fleet, Sink(), AssignRequest(unit_id="A2"))
    assert refused.value.code == "unit_not_available" and store.claims == []


def test_a_cancellation_frees_the_unit_wakes_the_workflow_and_ends_it(audited: list[tuple[str, str]]) -> None:
    store = MemoryStore({"INC1": incident(1, status="en_route", unit_id="A1", wait_token="tok")})
    out, sink, ended = Outbox(), Sink(), []
    fleet = Fleet(("A1", UnitStatus.AVAILABLE))
    result = command(board.cancel, store, out, fleet, sink, CancelRequest(reason="hoax"), closed=ended.append)
    assert (result.status, result.freed_unit_id) == ("cancelled", "A1")
    assert [m["type"] for _, m in out.crew] == ["stand_down"] and [e.unit_id for e in sink.told] == ["A1"]
    assert out.woken == [("tok", {"outcome": "changed"})] and ended == ["INC1"]
    assert ("incident:INC1", "incident.cancel") in audited


def test_a_repeated_cancellation_is_answered_without_a_second_write() -> None:
    store = MemoryStore({"INC1": replace(incident(1), status="cancelled")})
    ended: list[str] = []
    result = command(board.cancel, store, Outbox(), Fleet(), Sink(), CancelRequest(reason="hoax"), closed=ended.append)
    assert result.status == "cancelled" and result.freed_unit_id is None and ended == []


def test_another_countys_incident_is_not_found(audited: list[tuple[str, str]]) -> None:
    store = MemoryStore({"INC1": incident(1)})
    with pytest.raises(NotFound):
        board.load(ports(store, Outbox()), OTHER_DESK, "INC1")
