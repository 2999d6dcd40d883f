"""Status reports, fleet view and assignment against in-memory fakes of the fleet ports."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Forbidden, NotFound, ValidationFailed
from chalicelib.core.settings import Settings
from chalicelib.fleet.entities import Station, TimeStamp, Unit, UnitAvailable, UnitState, UnitStatus, UnitType
from chalicelib.fleet.logic import IllegalTransition, Step
from chalicelib.fleet.ports import FleetStore, UnitAvailableSink, VersionConflict
from chalicelib.fleet.schemas import StatusRequest, StatusResult
from chalicelib.fleet.service import commands as service
from chalicelib.fleet.service import views as queries

NOW = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
STATION = Station(station_id="ST01", name_zh="站", name_en="St", county="350602", lat=24.5, lon=117.6)
CREW = Principal(subject="crew-1", role=Role.CREW, scopes=["unit:AMB01"])
OTHER_CREW = Principal(subject="crew-2", role=Role.CREW, scopes=["unit:AMB02"])
COUNTY_DISPATCHER = Principal(subject="d-1", role=Role.DISPATCHER, scopes=["county:350603"])


@pytest.fixture(scope="module", autouse=True)
def workflow() -> Iterator[list[tuple[str, str]]]:
    """What the workflow is told; its side (completing waits, closing rooms) is tested with the workflow."""
    told: list[tuple[str, str]] = []
    with pytest.MonkeyPatch.context() as m:
        m.setattr("chalicelib.workflow.api.unit_status", lambda i, s: told.append((i, s)))
        yield told


def unit(status: UnitStatus = UnitStatus.ASSIGNED, position_at: datetime = NOW) -> Unit:
    return Unit(
        unit_id="AMB01", plate="闽E1", type=UnitType.ALS, station_id="ST01", county="350602",
        status=status, lat=24.51, lon=117.65, position_at=position_at,
    )  # fmt: skip


class FakeStore(FleetStore):
    def __init__(self, *states: UnitState) -> None:
        self.units = {s.unit.unit_id: s for s in states}
        self.times: dict[tuple[str, str, str], TimeStamp] = {}

    def get(self, unit_id: str, *, consistent: bool = False) -> UnitState | None:
        return self.units.get(unit_id)

    def in_county(self, county: str, status: UnitStatus | None) -> list[UnitState]:
        return [s for s in self.units.values() if s.unit.county == county and status in (None, s.unit.status)]

    def station(self, station_id: str) -> Station | None:
        return STATION if station_id == "ST01" else None

    def stations(self) -> dict[str, Station]:
        return {"ST01": STATION}

    def hospital_name(self, hospital_id: str) -> str | None:
        return "Municipal Hospital" if hospital_id == "H01" else None

    def apply(self, state: UnitState, step: Step, stamps: Sequence[TimeStamp], *, now: datetime) -> UnitState:
        if self.units[state.unit.unit_id].version != state.version:
            raise VersionConflict("changed")
        self.times.update({(s.incident_id, s.node.value, s.unit_id): s for s in stamps})
        free = step.status in (UnitStatus.AVAILABLE, UnitStatus.OUT_OF_SERVICE)
        after = dataclasses.replace(
            state,
            unit=state.unit.model_copy(update={"status": step.status}),
            version=state.version + 1,
            incident_id=None if free else state.incident_id,
        )
        self.units[state.unit.unit_id] = after
        return after

    def move(self, state: UnitState, lat: float, lon: float, at: datetime) -> bool:
        current = self.units[state.unit.unit_id]
        if current.version != state.version:
            raise VersionConflict("changed")
        if current.unit.position_at >= at:
            return False
        moved = state.unit.model_copy(update={"lat": lat, "lon": lon, "position_at": at})
        self.units[state.unit.unit_id] = dataclasses.replace(state, unit=moved, version=state.version + 1)
        return True

    def time_of(self, incident_id: str, node: str, unit_id: str) -> TimeStamp | None:
        return self.times.get((incident_id, node, unit_id))

    def amend_time(self, stamp: TimeStamp) -> None:
        self.times[(stamp.incident_id, stamp.node.value, stamp.unit_id)] = stamp

    def record_first(self, stamp: TimeStamp) -> bool:
        key = (stamp.incident_id, stamp.node.value, stamp.unit_id)
        return self.times.setdefault(key, stamp) is stamp

    def times_of(self, incident_id: str) -> list[TimeStamp]:
        return sorted((t for k, t in self.times.items() if k[0] == incident_id), key=lambda t: t.node.value)


class FakeSink(UnitAvailableSink):
    def __init__(self) -> None:
        self.events: list[UnitAvailable] = []

    def unit_available(self, event: UnitAvailable) -> None:
        self.events.append(event)


def report(store: FakeStore, sink: FakeSink, who: Principal = CREW, **body: object) -> StatusResult:
    req = StatusRequest.model_validate(body)
    return service.change_status(
        store=store, sink=sink, settings=Settings(), who=who, unit_id="AMB01", req=req, now=NOW
    )


def fresh(status: UnitStatus = UnitStatus.ASSIGNED) -> FakeStore:
    return FakeStore(UnitState(unit(status), version=3, incident_id="INC1", assigned_at=NOW))


def test_given_a_crew_report_then_the_node_is_stamped_with_the_device_time() -> None:
    store, sink = fresh(), FakeSink()
    at = NOW - timedelta(seconds=30)
    result = report(store, sink, status="en_route", at=at.isoformat())
    assert result.model_dump()["recorded"] == [{"node": "eTimes.05", "at": at}]
    assert store.units["AMB01"].version == 4 and not sink.events


def test_given_a_clock_far_ahead_then_the_report_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        report(fresh(), FakeSink(), status="EN_ROUTE", at=(NOW + timedelta(minutes=6)).isoformat())


def test_given_back_in_service_then_the_sink_hears_and_the_assignment_ends(workflow: list[tuple[str, str]]) -> None:
    store, sink = fresh(UnitStatus.AT_HOSPITAL), FakeSink()
    report(store, sink, status="AVAILABLE")
    assert workflow[-1] == ("INC1", "AVAILABLE")
    assert [(e.unit_id, e.previous_incident_id, e.version) for e in sink.events] == [("AMB01", "INC1", 4)]
    assert store.units["AMB01"].incident_id is None
    with pytest.raises(NotFound):
        queries.assignment(store, CREW, "AMB01")


def test_at_patient_twice_keeps_the_first_time() -> None:
    store, sink = fresh(UnitStatus.ON_SCENE), FakeSink()
    report(store, sink, event="at_patient")
    again = report(store, sink, event="at_patient", at=(NOW - timedelta(seconds=5)).isoformat())
    assert not again.changed and again.recorded == [] and store.units["AMB01"].version == 3
    assert [t.at for t in store.times_of("INC1")] == [NOW]


def test_scopes_another_crew_and_another_county_are_refused() -> None:
    for who in (OTHER_CREW, COUNTY_DISPATCHER):
        with pytest.raises(Forbidden):
            report(fresh(), FakeSink(), who=who, status="EN_ROUTE")


def test_stale_position_falls_back_to_the_station_and_says_so() -> None:
    old = UnitState(unit(position_at=NOW - timedelta(minutes=5)), version=1)
    view = queries.unit_view(old, STATION, NOW, 120)
    assert view.position.model_dump(include={"lat", "stale", "source"}) == {
        "lat": 24.5, "stale": True, "source": "station",
    }  # fmt: skip
    assert queries.unit_view(old, STATION, NOW, 600).position.source == "reported"


@given(st.lists(st.sampled_from(list(UnitStatus)), max_size=40))
def test_random_reports_only_move_legally_and_every_write_bumps_the_version(seq: list[UnitStatus]) -> None:
    store, sink = fresh(UnitStatus.AVAILABLE), FakeSink()
    for target in seq:
        before = store.units["AMB01"]
        try:
            result = report(store, sink, status=target.value)
        except IllegalTransition:
            assert store.units["AMB01"] == before
            continue
        after = store.units["AMB01"]
        assert after.version == before.version + (1 if result.changed else 0)
        assert target is not UnitStatus.ASSIGNED or before.unit.status is UnitStatus.ASSIGNED


def fix(store: FakeStore, at: datetime, lat: float = 24.52) -> object:
    from chalicelib.fleet.schemas import PositionReport

    req = PositionReport(lat=lat, lon=117.66, at=at)
    return service.report_position(store=store, settings=Settings(), who=CREW, unit_id="AMB01", req=req, now=NOW)


def test_a_position_moves_forward_only_and_late_fixes_are_harmless() -> None:
    store = FakeStore(UnitState(unit(position_at=NOW - timedelta(minutes=5)), version=1))
    assert fix(store, NOW - timedelta(seconds=10)).accepted  # type: ignore[attr-defined]
    late = fix(store, NOW - timedelta(seconds=30), lat=24.0)
    assert not late.accepted and late.position_at == NOW - timedelta(seconds=10)  # type: ignore[attr-defined]
    assert store.units["AMB01"].unit.lat == 24.52
    with pytest.raises(ValidationFailed):
        fix(store, NOW + timedelta(hours=1))
