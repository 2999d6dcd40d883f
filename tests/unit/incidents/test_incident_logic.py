"""Call intake logic: duplicates join, nothing is lost, the workflow always starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.incidents import logic
from chalicelib.incidents.schemas import Confidence, DeviceLocation, Location, Symptom
from tests.unit.incidents.fakes_incidents import FakeStarter, MemoryIncidents

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def loc(code: str | None = "A1", lat: float = 24.5109, lon: float = 117.6536, county: str = "350602") -> Location:
    conf = Confidence.ADDRESS if code else Confidence.DEVICE
    return Location(address_code=code, text="t", lat=lat, lon=lon, county=county, confidence=conf)


def call(store: MemoryIncidents, starter: FakeStarter, where: Location, at: datetime = T0, **kw: object):  # type: ignore[no-untyped-def]
    return logic.take_call(store=store, starter=starter, loc=where, channel="qr", now=at, **kw)  # type: ignore[arg-type]


def test_first_call_opens_an_incident_and_starts_its_workflow_by_name() -> None:
    store, starter = MemoryIncidents(), FakeStarter()
    incident, first = call(store, starter, loc(), symptoms=[Symptom.CARDIAC_ARREST])
    assert not first.linked and incident.status == "received"
    assert starter.started == {incident.incident_id: {"incident_id": incident.incident_id}}
    assert store.queries == 1


def test_second_call_from_the_same_door_within_10_min_joins_and_is_kept() -> None:
    store, starter = MemoryIncidents(), FakeStarter()
    incident, first = call(store, starter, loc())
    joined, second = call(store, starter, loc(), at=T0 + timedelta(minutes=9))
    assert joined.incident_id == incident.incident_id and second.linked
    assert {c.call_id for c in store.calls_of(incident.incident_id)} == {first.call_id, second.call_id}
    assert store.incidents[incident.incident_id].calls == 2
    assert len(starter.started) == 1


def test_a_neighbour_within_50_m_joins_but_not_at_80_m() -> None:
    store, starter = MemoryIncidents(), FakeStarter()
    incident, _ = call(store, starter, loc("A1"))
    near, c_near = call(store, starter, loc("A2", lat=24.5109 + 0.0003))  # ~33 m north
    far, c_far = call(store, starter, loc("A3", lat=24.5109 + 0.00072))  # ~80 m north
    assert c_near.linked and near.incident_id == incident.incident_id
    assert not c_far.linked and far.incident_id != incident.incident_id


def test_after_10_minutes_a_new_incident_opens() -> None:
    store, starter = MemoryIncidents(), FakeStarter()
    first, _ = call(store, starter, loc())
    later, c = call(store, starter, loc(), at=T0 + timedelta(minutes=11))
    assert not c.linked and later.incident_id != first.incident_id


def test_a_closed_incident_is_not_joined() -> None:
    store, starter = MemoryIncidents(), FakeStarter()
    first, _ = call(store, starter, loc())
    store.incidents[first.incident_id].status = "closed"
    again, c = call(store, starter, loc(), at=T0 + timedelta(minutes=1))
    assert not c.linked and again.incident_id != first.incident_id


def test_start_failure_keeps_the_incident_and_the_reconciler_starts_it() -> None:
    store, starter = MemoryIncidents(), FakeStarter(fail=True)
    incident, _ = call(store, starter, loc())
    assert incident.incident_id in store.incidents and not starter.started  # stored, not started
    starter.fail = False
    assert (
        logic.reconcile(store=store, starter=starter, now=T0 + timedelta(seconds=10), grace=timedelta(seconds=30)) == []
    )
    done = logic.reconcile(store=store, starter=starter, now=T0 + timedelta(minutes=1), grace=timedelta(seconds=30))
    assert done == [incident.incident_id] and incident.incident_id in starter.started


def test_reconciler_marks_incidents_whose_execution_already_exists() -> None:
    store, starter = MemoryIncidents(), FakeStarter()
    incident, _ = call(store, starter, loc())  # started, but never registered
    logic.reconcile(store=store, starter=starter, now=T0 + timedelta(minutes=1), grace=timedelta(seconds=30))
    assert store.incidents[incident.incident_id].workflow == "started"


def test_device_location_is_lower_confidence_and_lands_in_the_nearest_county() -> None:
    where = logic.device_location(DeviceLocation(lat=23.70, lon=117.43, accuracy_m=30))
    assert where.confidence == Confidence.DEVICE and where.county == "350626" and where.address_code is None


@given(st.floats(min_value=0, max_value=49), st.floats(min_value=0, max_value=359))
def test_any_call_within_50_m_is_a_duplicate(dist_m: float, bearing: float) -> None:
    import math

    dlat = dist_m * math.cos(math.radians(bearing)) / 111_195
    dlon = dist_m * math.sin(math.radians(bearing)) / (111_195 * math.cos(math.radians(24.51)))
    store, starter = MemoryIncidents(), FakeStarter()
    incident, _ = call(store, starter, loc(None))
    found = logic.find_duplicate(list(store.incidents.values()), loc(None, 24.5109 + dlat, 117.6536 + dlon), T0)
    assert found is not None and found.incident_id == incident.incident_id


def test_ids_are_valid_execution_names() -> None:
    import re

    assert re.fullmatch(r"[A-Za-z0-9_-]{1,80}", logic.new_id("INC", T0))


def test_simultaneous_calls_from_one_door_share_one_incident_despite_index_lag() -> None:
    class Lagging(MemoryIncidents):
        def open_incidents(self, county: str, since: datetime) -> list:  # type: ignore[type-arg]
            return []  # the index has not caught up with the other phone's write yet

    store, starter = Lagging(), FakeStarter()
    first, _ = call(store, starter, loc())
    second, c2 = call(store, starter, loc())
    assert second.incident_id == first.incident_id and c2.linked
    assert len(store.incidents) == 1 and len(starter.started) == 1


def test_a_lock_left_by_a_closed_incident_does_not_block_a_new_one() -> None:
    store, starter = MemoryIncidents(), FakeStarter()
    first, _ = call(store, starter, loc())
    store.incidents[first.incident_id].status = "closed"
    again, c = call(store, starter, loc(), at=T0 + timedelta(minutes=2))
    assert again.incident_id != first.incident_id and not c.linked
