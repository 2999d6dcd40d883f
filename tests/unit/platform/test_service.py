"""Health and the canary over in-memory probes, heartbeat store and publisher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.core.publisher import Publisher
from chalicelib.platform import logic
from chalicelib.platform.entities import AuditEvent, Heartbeat
from chalicelib.platform.ports import PlatformStore, ServiceProbe
from chalicelib.platform.schemas import CanaryInput, HealthResponse, HeartbeatMessage

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
MAX_AGE = timedelta(seconds=180)


class Probe(ServiceProbe):
    def __init__(self, tables: dict[str, str] | None = None, machines: dict[str, str] | None = None) -> None:
        self._tables = {"ems-test-audit": "ACTIVE"} if tables is None else tables
        self._machines = {"platform_canary": "ACTIVE"} if machines is None else machines
        self.down = False

    def tables(self) -> dict[str, str]:
        if self.down:
            raise ConnectionError("no route to DynamoDB")
        return self._tables

    def state_machines(self) -> dict[str, str]:
        return self._machines


class Store(PlatformStore):
    def __init__(self) -> None:
        self.beats: dict[str, Heartbeat] = {}
        self.events: list[AuditEvent] = []

    def put_heartbeat(self, beat: Heartbeat) -> None:
        self.beats[beat.component] = beat

    def heartbeats(self) -> dict[str, Heartbeat]:
        return dict(self.beats)

    def append_audit(self, event: AuditEvent) -> None:
        self.events.append(event)

    def audit_for(self, subject: str, limit: int) -> list[AuditEvent]:
        return [e for e in self.events if e.subject == subject][:limit]


class Published(Publisher):
    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, object]]] = []

    def publish(self, topic: str, payload: dict[str, object], qos: int = 1) -> None:
        self.messages.append((topic, payload))


def health(probe: Probe, store: Store, now: datetime = NOW) -> HealthResponse:
    return logic.health(probe=probe, store=store, now=now, max_age=MAX_AGE, stage="test")


def test_a_canary_run_then_its_heartbeat_make_health_ok() -> None:
    probe, store, out = Probe(), Store(), Published()
    inp = CanaryInput(execution="canary-1", started_at=NOW)
    result = logic.canary_probe(inp, probe=probe, publisher=out, now=NOW)
    assert result["dynamodb"] == "1 tables active" and out.messages[0][0] == logic.HEARTBEAT_TOPIC
    logic.canary_succeeded("canary-1", store=store, now=NOW)
    logic.heartbeat_received(HeartbeatMessage.model_validate(out.messages[0][1]), store=store, now=NOW)
    assert health(probe, store, NOW + timedelta(seconds=30)).status == "ok"
    assert store.beats["mqtt"].source == "canary:canary-1"


def test_no_heartbeat_or_a_stale_one_is_degraded() -> None:
    probe, store = Probe(), Store()
    first = health(probe, store)
    assert first.status == "degraded" and first.components["mqtt"].detail == "no MQTT heartbeat seen yet"
    logic.canary_succeeded("canary-1", store=store, now=NOW)
    store.put_heartbeat(Heartbeat(component="mqtt", ok=True, at=NOW, source="canary:1"))
    late = health(probe, store, NOW + MAX_AGE + timedelta(seconds=1))
    assert late.status == "degraded" and late.components["stepfunctions"].status == "failing"


def test_a_failed_canary_and_an_unreachable_table_are_named_without_detail() -> None:
    probe, store = Probe(), Store()
    logic.canary_failed("canary-2", "States.TaskFailed" * 10, store=store, now=NOW)
    assert len(store.beats["stepfunctions"].detail or "") == 100
    probe.down = True
    seen = health(probe, store)
    assert seen.components["dynamodb"].detail == "DynamoDB unreachable: ConnectionError"
    with pytest.raises(logic.CanaryCheckFailed):
        logic.canary_probe(CanaryInput(execution="c3", started_at=NOW), probe=probe, publisher=Published(), now=NOW)


def test_tables_not_active_fail_the_canary_before_anything_is_published() -> None:
    out = Published()
    with pytest.raises(logic.CanaryCheckFailed, match="tables not active: ems-test-audit"):
        logic.canary_probe(CanaryInput(execution="c4", started_at=NOW), probe=Probe({"ems-test-audit": "CREATING"}),
                           publisher=out, now=NOW)  # fmt: skip
    assert out.messages == []
