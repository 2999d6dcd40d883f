"""Telemetry's use cases against in-memory ports: ingestion (decoding and reasons, coalescing,
forward-only positions, geofences, NEWS2 alerts and which messages are retried) and the reading
of an incident's readings."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.fleet.entities import UnitStatus
from chalicelib.telemetry.decode import Inbound, Reason, Reject, Valid, decode
from chalicelib.telemetry.entities import StoredReading
from chalicelib.telemetry.ports import ReadingSource
from chalicelib.telemetry.schemas import ReadingsQuery
from chalicelib.telemetry.service import incident_readings, ingest
from tests.unit.telemetry.fakes_telemetry import FixedPlaces, MemoryOutbox, MemoryTelemetry, inbound, ports, unit

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
SCENE = (24.5130, 117.6470)


def fix(unit_id: str, s: int, lat: float = 24.5, lon: float = 117.6, speed: float | None = 40.0) -> dict[str, Any]:
    body: dict[str, Any] = {"v": 1, "unit_id": unit_id, "seq": s, "ts": (T0 + timedelta(seconds=s)).isoformat()}
    body |= {"lat": lat, "lon": lon}
    return body | ({"speed_kmh": speed} if speed is not None else {})


def pos(unit_id: str, s: int, **kw: Any) -> Inbound:
    return inbound(f"ems/units/{unit_id}/telemetry", fix(unit_id, s, **kw))


def test_decode_names_each_reason_and_the_field() -> None:
    cases = {
        Reason.INVALID_ENVELOPE: Inbound("1", "not the rule's output"),
        Reason.INVALID_JSON: inbound("ems/units/A1/telemetry", b"\x00\xff"),
        Reason.NOT_A_DEVICE_TOPIC: inbound("ems/units/A1/dispatch", fix("A1", 1)),
        Reason.WRONG_UNIT: inbound("ems/units/A1/telemetry", fix("A2", 1)),
    }
    for reason, record in cases.items():
        got = decode(record)
        assert isinstance(got, Reject) and got.reason is reason, (reason, got)
    bad = decode(inbound("ems/units/A1/telemetry", {**fix("A1", 1), "lat": 91}))
    assert isinstance(bad, Reject) and (bad.reason, bad.field, bad.unit_id) == (Reason.INVALID_SCHEMA, "lat", "A1")
    # The detail names what was wrong, never the value that was sent
    assert "91" not in bad.detail
    assert isinstance(decode(pos("A1", 1)), Valid)


def test_a_clock_far_ahead_is_rejected_so_it_cannot_freeze_the_position() -> None:
    ahead = datetime.now(UTC) + timedelta(minutes=10)
    got = decode(inbound("ems/units/A1/telemetry", {**fix("A1", 1), "ts": ahead.isoformat()}, datetime.now(UTC)))
    assert isinstance(got, Reject) and (got.reason, got.field) == (Reason.CLOCK_AHEAD, "ts")


def test_a_clock_reset_is_rejected_not_stored_in_1970() -> None:
    now = datetime.now(UTC)
    got = decode(inbound("ems/units/A1/vitals", {"v": 1, "unit_id": "A1", "seq": 1, "ts": "1970-01-01T00:00:05Z"}, now))
    assert isinstance(got, Reject) and (got.reason, got.field) == (Reason.CLOCK_BEHIND, "ts")
    ancient = decode(inbound("ems/units/A1/telemetry", {**fix("A1", 1), "ts": "0001-01-01T00:30:00+01:00"}, now))
    assert isinstance(ancient, Reject) and ancient.reason is Reason.CLOCK_BEHIND


def test_a_misrouted_envelope_is_rejected_with_its_body_kept() -> None:
    import base64

    for body in ('{"topic": 7, "payload": "e30="}', '{"topic": "a", "payload": "e30=", "received_ms": 1e300}', "[]"):
        got = decode(Inbound("m", body))
        assert isinstance(got, Reject) and got.reason is Reason.INVALID_ENVELOPE, body
        assert base64.b64decode(got.payload_b64 or "").decode() == body


def test_unknown_units_are_rejected_and_known_ones_stored_in_the_same_batch() -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0)})
    p = ports(store)
    out = ingest([pos("A1", 5), pos("ZZ", 5), inbound("ems/units/A1/vitals", b"[1")], p)
    assert sorted(r.reason for r in out.rejected) == [Reason.INVALID_JSON, Reason.UNKNOWN_UNIT]
    assert isinstance(p.outbox, MemoryOutbox) and len(p.outbox.rejected) == 2
    assert store.positions["A1"].seq == 5 and not out.failed


def test_a_reject_that_cannot_be_sent_is_retried_not_dropped() -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0)})
    p = ports(store)
    assert isinstance(p.outbox, MemoryOutbox)
    p.outbox.down = True
    bad = inbound("ems/units/A1/telemetry", b"nope")
    out = ingest([bad, pos("A1", 5)], p)
    assert out.failed == {bad.message_id}


def test_a_failed_position_write_does_not_hold_back_the_units_readings() -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0, UnitStatus.EN_ROUTE, incident_id="I1")}, fail_units={"A1"})
    fixes, reading = [pos("A1", 5)], vit("A1", 6, **SICK)
    out = ingest([*fixes, reading], ports(store))
    assert out.failed == {fixes[0].message_id}
    assert out.readings == 1 and out.alerts == 1


def test_rejects_are_sent_in_batches_within_the_size_limit() -> None:
    from chalicelib.telemetry.adapters.outbound import _chunks

    big = [Reject(str(i), Reason.INVALID_JSON, "x", payload_b64="A" * 90_000) for i in range(5)]
    small = [Reject(f"s{i}", Reason.INVALID_JSON, "x") for i in range(25)]
    chunks = _chunks(big + small)
    assert [r for c in chunks for r in c] == big + small  # all of them, in order
    assert all(len(c) <= 10 and sum(len(r.payload_b64 or "") for r in c) <= 200 * 1024 for c in chunks)


def test_a_failing_unit_retries_its_own_messages_only() -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0), "A2": unit("A2", T0)}, fail_units={"A1"})
    mine = [pos("A1", 5), pos("A1", 6)]
    out = ingest([*mine, pos("A2", 5)], ports(store))
    assert out.failed == {m.message_id for m in mine}
    assert store.positions["A2"].seq == 5


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 120), min_size=1, max_size=60), st.randoms(use_true_random=False))
def test_whatever_the_order_and_repeats_the_position_never_moves_back(seconds: list[int], rnd: random.Random) -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0)})
    p = ports(store, coalesce_s=0)
    messages = [pos("A1", s, lat=24.5 + s * 1e-5) for s in seconds]
    rnd.shuffle(messages)
    newest = T0
    for start in range(0, len(messages), 7):
        ingest(messages[start : start + 7], p)
        assert store.state["A1"].position_at >= newest  # never backwards
        newest = store.state["A1"].position_at
    assert store.positions["A1"].seq == max(seconds)


def test_a_1hz_stream_is_written_about_once_per_coalescing_interval_and_never_staler() -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0)})
    p = ports(store, coalesce_s=3)
    ages = []
    for s in range(1, 301):  # five minutes, one fix per one-second batch
        ingest([pos("A1", s)], p)
        ages.append(s - (store.state["A1"].position_at - T0).total_seconds())
    assert store.writes == 100
    assert max(ages) < 3


def test_arrival_needs_the_fence_and_a_slow_fix_and_is_stored_at_once() -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0, UnitStatus.EN_ROUTE, incident_id="I1")})
    p = ports(store, FixedPlaces(incidents={"I1": SCENE}), coalesce_s=3)
    # Passing the door at speed: no arrival
    out = ingest([pos("A1", 1, lat=SCENE[0] + 0.0005, lon=SCENE[1], speed=45)], p)
    assert out.arrivals == 0
    # Stopped 60 m away, one second later (inside the coalescing interval): arrival, and the fix is written
    out = ingest([pos("A1", 2, lat=SCENE[0] + 0.00055, lon=SCENE[1], speed=0)], p)
    assert out.arrivals == 1 and store.state["A1"].status is UnitStatus.ON_SCENE
    assert store.positions["A1"].seq == 2
    assert p.arrivals.seen[0].at == T0 + timedelta(seconds=2)  # type: ignore[attr-defined]


def test_no_arrival_without_a_job_or_far_away() -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0), "A2": unit("A2", T0, UnitStatus.EN_ROUTE, incident_id="I1")})
    p = ports(store, FixedPlaces(incidents={"I1": SCENE}))
    out = ingest([pos("A1", 1, lat=SCENE[0], lon=SCENE[1], speed=0), pos("A2", 1, speed=0)], p)
    assert out.arrivals == 0


def test_arrival_at_the_destination_hospital() -> None:
    hospital = (24.5101, 117.6544)
    state = unit("A1", T0, UnitStatus.TRANSPORTING, incident_id="I1", destination_id="H1")
    store = MemoryTelemetry(state={"A1": state})
    p = ports(store, FixedPlaces(incidents={"I1": SCENE}, hospitals={"H1": hospital}))
    # Near the scene again on the way (a U-turn): not the destination
    assert ingest([pos("A1", 1, lat=SCENE[0], lon=SCENE[1], speed=0)], p).arrivals == 0
    out = ingest([pos("A1", 2, lat=hospital[0] + 0.001, lon=hospital[1], speed=3)], p)
    assert out.arrivals == 1 and store.state["A1"].status is UnitStatus.AT_HOSPITAL


def vit(unit_id: str, s: int, **values: Any) -> Inbound:
    body = {"v": 1, "unit_id": unit_id, "seq": s, "ts": (T0 + timedelta(seconds=s)).isoformat(), **values}
    return inbound(f"ems/units/{unit_id}/vitals", body)


CALM = {"hr": 80, "sbp": 125, "spo2": 98, "rr": 16, "temp_c": 36.8}
SICK = {"hr": 135, "sbp": 88, "spo2": 90, "rr": 26, "temp_c": 36.8}


def test_deterioration_is_told_once_to_the_crew_and_the_receiving_hospital() -> None:
    state = unit("A1", T0, UnitStatus.TRANSPORTING, incident_id="I1", destination_id="H1")
    store = MemoryTelemetry(state={"A1": state})
    p = ports(store)
    out = ingest([vit("A1", 1, **CALM), vit("A1", 2, **SICK), vit("A1", 3, **SICK)], p)
    assert out.readings == 3 and out.alerts == 1
    assert isinstance(p.outbox, MemoryOutbox)
    assert sorted(t for t, _ in p.outbox.alerts) == ["ems/hospitals/H1/alerts", "ems/units/A1/alerts"]
    # Stored under the unit's current incident, whatever the monitor says its job is
    assert {s for s, _ in store.readings} == {"I1"}
    # A late calm reading and a redelivery change nothing
    out = ingest([vit("A1", 0, **CALM), vit("A1", 2, **SICK)], p)
    assert out.alerts == 0 and len(p.outbox.alerts) == 2


def test_a_probe_slipping_off_and_back_does_not_raise_the_same_alarm_twice() -> None:
    state = unit("A1", T0, UnitStatus.EN_ROUTE, incident_id="I1")
    store = MemoryTelemetry(state={"A1": state})
    p = ports(store)
    # High, then only the pulse (the other probes off: a partial, lower score), then high again
    out = ingest([vit("A1", 1, **SICK), vit("A1", 2, hr=135), vit("A1", 3, **SICK)], p)
    assert out.alerts == 1
    assert ingest([vit("A1", 4, hr=80), vit("A1", 5, **SICK)], p).alerts == 0


def test_each_band_rise_is_told_once() -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0, UnitStatus.EN_ROUTE, incident_id="I1")})
    p = ports(store)
    medium = {"hr": 115, "sbp": 105, "spo2": 95, "rr": 18, "temp_c": 36.8}  # 2 + 1 + 1 + 0 = 4 -> low
    assert ingest([vit("A1", 1, **medium)], p).alerts == 0
    assert ingest([vit("A1", 2, **(medium | {"rr": 22}))], p).alerts == 1  # 6 -> medium
    assert ingest([vit("A1", 3, **(medium | {"rr": 22}))], p).alerts == 0
    assert ingest([vit("A1", 4, **SICK)], p).alerts == 1  # high


def test_readings_without_an_incident_are_kept_under_the_unit_and_alert_no_one() -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0)})
    p = ports(store)
    out = ingest([vit("A1", 1, **CALM), vit("A1", 2, **SICK)], p)
    assert out.alerts == 0 and {s for s, _ in store.readings} == {"unit#A1"}


def test_device_status_keeps_the_newest() -> None:
    store = MemoryTelemetry(state={"A1": unit("A1", T0)})
    p = ports(store)
    report = {"v": 1, "unit_id": "A1", "battery_pct": 50}
    ingest([inbound("ems/units/A1/status", report | {"seq": 2, "ts": (T0 + timedelta(seconds=60)).isoformat()})], p)
    ingest([inbound("ems/units/A1/status", report | {"seq": 1, "ts": T0.isoformat(), "battery_pct": 90})], p)
    assert store.devices["A1"].battery_pct == 50


class Readings(ReadingSource):
    def __init__(self, *stored: StoredReading) -> None:
        self.stored = list(stored)
        self.asked: list[tuple[str, datetime | None, int]] = []

    def newest(self, incident_id: str, since: datetime | None, limit: int) -> list[StoredReading]:
        self.asked.append((incident_id, since, limit))
        return self.stored[-limit:]


def test_an_incidents_readings_are_read_only_after_the_access_rule_opened_the_record(monkeypatch: Any) -> None:
    from chalicelib.core.auth import Principal, Role

    opened: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "chalicelib.healthaccess.api.open_record", lambda who, i, action, now: opened.append((i, action))
    )
    source = Readings(
        StoredReading(T0, "AMB01", {"hr": 88}, 1, "low"),
        StoredReading(T0 + timedelta(seconds=5), "AMB01", {"hr": 140}, 5, "medium"),
    )
    crew = Principal(subject="crew-1", role=Role.CREW, scopes=["unit:AMB01"])
    listed = incident_readings(source, crew, "INC1", ReadingsQuery(since=None, limit=200), T0)
    assert opened == [("INC1", "vitals.read")] and source.asked == [("INC1", None, 200)]
    assert [(r.values["hr"], r.news2, r.risk) for r in listed.readings] == [(88, 1, "low"), (140, 5, "medium")]
    assert listed.count == 2 and listed.incident_id == "INC1"


def test_a_refused_record_reads_no_readings(monkeypatch: Any) -> None:
    from chalicelib.core.auth import Principal, Role
    from chalicelib.core.errors import Forbidden

    def refuse(*a: Any) -> None:
        raise Forbidden("not yours", code="not_assigned")

    monkeypatch.setattr("chalicelib.healthaccess.api.open_record", refuse)
    source = Readings(StoredReading(T0, "AMB01", {"hr": 88}, 1, "low"))
    crew = Principal(subject="crew-9", role=Role.CREW, scopes=["unit:AMB09"])
    with pytest.raises(Forbidden):
        incident_readings(source, crew, "INC1", ReadingsQuery(since=None, limit=10), T0)
    assert source.asked == []
