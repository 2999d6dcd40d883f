"""Automatic dispatch use cases against in-memory ports: claim order, conflicts, waiting,
escalation, notification once, and the freed unit going to the longest wait."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.dispatch.entities import CITY, Claim, DispatchIncident, Point, Recommendation, SearchRecord
from chalicelib.dispatch.ports import DispatchStore
from chalicelib.dispatch.service import RecommendationResult, assign
from chalicelib.dispatch.service.assign import Ports, Waits
from chalicelib.fleet.entities import UnitAvailable, UnitType

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
WAITS = Waits(county_s=60, city_s=300)


@dataclass
class MemoryStore(DispatchStore):
    """The claim's conditions, as the DynamoDB transaction enforces them."""

    incidents: dict[str, DispatchIncident] = field(default_factory=dict)
    free: set[str] = field(default_factory=set)
    taken_by_others: set[str] = field(default_factory=set)  # claimed by a concurrent incident
    claims: list[tuple[str, str]] = field(default_factory=list)

    def get(self, incident_id: str) -> DispatchIncident | None:
        return self.incidents.get(incident_id)

    def save_search(self, incident_id: str, search: SearchRecord, now: datetime) -> None:
        inc = self.incidents[incident_id]
        recs = [r.as_dict() for r in search.recommendations]
        self.incidents[incident_id] = replace(inc, recommendations=recs, level=search.level)

    def claim(
        self, incident: DispatchIncident, unit_id: str, by: str, now: datetime, search: SearchRecord | None = None
    ) -> Claim:
        current = self.incidents[incident.incident_id]
        if not current.is_open or current.unit_id != incident.unit_id:
            return Claim.SETTLED
        if unit_id in self.taken_by_others or unit_id not in self.free:
            return Claim.UNIT_TAKEN
        self.free.discard(unit_id)
        if current.unit_id:
            self.free.add(current.unit_id)
        self.claims.append((incident.incident_id, unit_id))
        self.incidents[incident.incident_id] = replace(
            current, status="assigned", unit_id=unit_id, assigned_at=now, assigned_by=by, notified_at=None
        )
        if search is not None:
            self.save_search(incident.incident_id, search, now)
        return Claim.CLAIMED

    def wait(self, incident_id: str, pool: str, level: str, now: datetime) -> bool:
        inc = self.incidents[incident_id]
        if not inc.is_open or inc.unit_id:
            return False
        self.incidents[incident_id] = replace(
            inc, status="waiting", level=level, waiting_since=inc.waiting_since or now
        )
        return True

    def keep_token(self, incident_id: str, token: str) -> bool:
        inc = self.incidents[incident_id]
        if inc.status != "waiting":
            return False
        self.incidents[incident_id] = replace(inc, wait_token=token)
        return True

    def waiting(self, pool: str, limit: int) -> list[DispatchIncident]:
        found = [i for i in self.incidents.values() if i.status == "waiting" and i.pool == pool]
        return sorted(found, key=lambda i: i.created_at)[:limit]

    def open_in(self, county: str) -> list[DispatchIncident]:
        return [i for i in self.incidents.values() if i.is_open and i.county == county]

    def mark_notified(self, incident_id: str, unit_id: str, now: datetime) -> None:
        self.incidents[incident_id] = replace(self.incidents[incident_id], notified_at=now)

    def cancel(self, incident: DispatchIncident, reason: str, by: str, now: datetime) -> bool:
        self.incidents[incident.incident_id] = replace(incident, status="cancelled")
        return True


@dataclass
class Outbox:
    crew: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    woken: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    alerts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    crew_down: bool = False

    def send(self, unit_id: str, message: dict[str, Any]) -> None:
        if self.crew_down:
            raise ConnectionError("broker unreachable")
        self.crew.append((unit_id, message))

    def dispatched(self, detail: dict[str, Any]) -> None:
        self.events.append(detail)

    def wake(self, token: str, result: dict[str, Any]) -> bool:
        self.woken.append((token, result))
        return True


def ports(store: MemoryStore, out: Outbox) -> Ports:
    return Ports(store=store, crew=out, co=out, waker=out, alerts=lambda c, a: out.alerts.append((c, a)))  # type: ignore[arg-type]


def incident(n: int = 1, *, needs: UnitType = UnitType.ALS, minutes: int = 0, **kw: Any) -> DispatchIncident:
    base: dict[str, Any] = {
        "incident_id": f"INC{n}",
        "county": "350602",
        "status": "received",
        "point": Point(24.51, 117.65),
        "address_text": "芗城区某路1号",
        "symptoms": ("cardiac_arrest",),
        "needs": needs,
        "created_at": NOW + timedelta(minutes=minutes),
    }
    return DispatchIncident(**(base | kw))


def ranked(*unit_ids: str, county: str = "350602") -> RecommendationResult:
    recs = [Recommendation(u, UnitType.ALS, county, 300 + 60 * i, 2000 + 500 * i) for i, u in enumerate(unit_ids)]
    return RecommendationResult(recs, len(recs), False, False, None)


def searching(*unit_ids: str) -> tuple[list[tuple[str, bool]], Any]:
    asked: list[tuple[str, bool]] = []

    def search(point: Point, needs: UnitType, county: str, city_wide: bool) -> RecommendationResult:
        asked.append((county, city_wide))
        return ranked(*unit_ids)

    return asked, search


def test_the_best_unit_is_claimed_and_its_crew_and_co_responders_are_told() -> None:
    store, out = MemoryStore({"INC1": incident()}, free={"A1", "A2"}), Outbox()
    _, search = searching("A1", "A2")
    result = assign.dispatch("INC1", False, ports=ports(store, out), search=search, waits=WAITS, now=NOW)
    assert result == {"outcome": "assigned", "unit_id": "A1"}
    ((unit_id, msg),) = out.crew
    assert unit_id == "A1" and msg["incident_id"] == "INC1" and msg["eta_s"] == 300
    assert out.events[0]["co_responders"] == ["fire"] and store.incidents["INC1"].notified_at == NOW
    assert [r["unit_id"] for r in store.incidents["INC1"].recommendations] == ["A1", "A2"]  # kept by the claim


def test_a_unit_taken_meanwhile_passes_the_claim_to_the_next_one() -> None:
    store, out = MemoryStore({"INC1": incident()}, free={"A1", "A2"}, taken_by_others={"A1"}), Outbox()
    _, search = searching("A1", "A2")
    assert (
        assign.dispatch("INC1", False, ports=ports(store, out), search=search, waits=WAITS, now=NOW)["unit_id"] == "A2"
    )


def test_nothing_free_queues_the_incident_in_its_county_then_the_timeout_escalates_to_the_city() -> None:
    store, out = MemoryStore({"INC1": incident()}), Outbox()
    asked, search = searching()
    first = assign.dispatch("INC1", False, ports=ports(store, out), search=search, waits=WAITS, now=NOW)
    assert first == {"outcome": "waiting", "level": "county", "wait_s": 60}
    assert store.incidents["INC1"].pool == "350602" and out.alerts[0][1]["type"] == "no_unit_available"
    later = NOW + timedelta(seconds=60)
    second = assign.dispatch("INC1", True, ports=ports(store, out), search=search, waits=WAITS, now=later)
    assert second == {"outcome": "waiting", "level": "city", "wait_s": 300}
    # Each wait searches once more after joining the pool (a unit freed in between looked too early).
    assert asked == [("350602", False), ("350602", False), ("350602", True), ("350602", True)]
    assert store.incidents["INC1"].pool == CITY and store.incidents["INC1"].waiting_since == NOW
    assert [a["type"] for _, a in out.alerts] == ["no_unit_available", "escalated_to_city"]
    # The city-level safety net comes round: a reminder, not a second escalation.
    assign.dispatch("INC1", True, ports=ports(store, out), search=search, waits=WAITS, now=later)
    assert out.alerts[-1][1]["type"] == "still_waiting"


def test_a_repeat_after_a_failed_notification_notifies_once_and_never_claims_again() -> None:
    store, out = MemoryStore({"INC1": incident()}, free={"A1", "A2"}), Outbox(crew_down=True)
    _, search = searching("A1", "A2")
    with pytest.raises(ConnectionError):
        assign.dispatch("INC1", False, ports=ports(store, out), search=search, waits=WAITS, now=NOW)
    assert store.claims == [("INC1", "A1")]  # the claim stands: the workflow retries the task
    out.crew_down = False
    for _ in range(2):
        assert (
            assign.dispatch("INC1", False, ports=ports(store, out), search=search, waits=WAITS, now=NOW)["unit_id"]
            == "A1"
        )
    assert store.claims == [("INC1", "A1")] and len(out.crew) == 1


def test_a_closed_incident_is_left_alone() -> None:
    store, out = MemoryStore({"INC1": incident(status="cancelled")}, free={"A1"}), Outbox()
    _, search = searching("A1")
    assert assign.dispatch("INC1", False, ports=ports(store, out), search=search, waits=WAITS, now=NOW) == {
        "outcome": "closed",
        "status": "cancelled",
    }
    assert not store.claims


def test_a_wait_that_starts_after_the_incident_was_served_ends_at_once() -> None:
    store, out = MemoryStore({"INC1": incident(status="assigned", unit_id="A1")}), Outbox()
    assert assign.keep_waiting("INC1", "token-1", ports=ports(store, out)) == {"waiting": False}
    assert out.woken == [("token-1", {"outcome": "changed"})]


def test_a_freed_unit_goes_to_the_longest_wait_it_can_serve() -> None:
    waiting = [
        incident(1, minutes=0, needs=UnitType.NEONATAL, status="waiting"),  # an ALS unit cannot serve it
        incident(2, minutes=1, status="waiting", wait_token="t2"),
        incident(3, minutes=2, status="waiting", wait_token="t3"),
    ]
    store, out = MemoryStore({i.incident_id: i for i in waiting}, free={"A1"}), Outbox()
    event = UnitAvailable("A1", UnitType.ALS, "350602", 24.5, 117.6, "cell", NOW, 3, None)
    assert assign.on_unit_available(event, ports=ports(store, out), now=NOW) == "INC2"
    assert out.woken == [("t2", {"outcome": "changed"})]  # its workflow moves on and notifies
    assert store.incidents["INC3"].status == "waiting"


@settings(max_examples=60, deadline=None)
@given(
    units=st.integers(min_value=0, max_value=5),
    orders=st.lists(st.permutations(list(range(5))), min_size=1, max_size=8),
)
def test_whatever_the_ranking_no_unit_is_ever_held_by_two_incidents(units: int, orders: list[list[int]]) -> None:
    free = {f"A{i}" for i in range(units)}
    store = MemoryStore({f"INC{n}": incident(n) for n in range(len(orders))}, free=set(free))
    for n, order in enumerate(orders):

        def search(point: Point, needs: UnitType, county: str, city_wide: bool, o: list[int] = order) -> Any:
            return ranked(*[f"A{i}" for i in o if f"A{i}" in free])

        assign.dispatch(f"INC{n}", False, ports=ports(store, Outbox()), search=search, waits=WAITS, now=NOW)
    held = [i.unit_id for i in store.incidents.values() if i.unit_id]
    assert len(held) == len(set(held)) == min(units, len(orders))
    assert all(i.status in ("assigned", "waiting") for i in store.incidents.values())


def test_a_unit_freed_while_the_incident_joins_the_pool_is_claimed_by_the_second_look() -> None:
    store, out = MemoryStore({"INC1": incident()}), Outbox()
    answers = iter([ranked(), ranked("A9")])  # nothing at first; a unit is free a moment later

    def search(point: Point, needs: UnitType, county: str, city_wide: bool) -> RecommendationResult:
        store.free.add("A9")
        return next(answers)

    result = assign.dispatch("INC1", False, ports=ports(store, out), search=search, waits=WAITS, now=NOW)
    assert result == {"outcome": "assigned", "unit_id": "A9"} and out.crew[0][0] == "A9"


def test_a_failed_wake_still_gets_the_crew_told() -> None:
    class Down(Outbox):
        def wake(self, token: str, result: dict[str, Any]) -> bool:
            raise ConnectionError("throttled")

    store, out = MemoryStore({"INC1": incident(status="assigned", unit_id="A1", wait_token="t")}), Down()
    assign.settle(store.incidents["INC1"], ports(store, out), NOW)
    assert out.crew and out.crew[0][0] == "A1"


def test_co_responders_learn_only_why_they_are_called() -> None:
    from chalicelib.dispatch.messages import co_response

    detail = co_response(incident(symptoms=("pregnancy", "trauma", "chest_pain")), NOW)
    assert detail["nature"] == ["trauma"] and detail["co_responders"] == ["fire", "police"]
