"""Health and the platform canary.

The canary (a Step Functions execution every minute) checks DynamoDB, publishes a
heartbeat over MQTT, and an IoT rule carries that heartbeat back into DynamoDB. Health
then reads real dependencies plus how fresh those heartbeats are, so "ok" means the
workflow engine and the MQTT path really moved a message recently.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core.publisher import Publisher
from chalicelib.platform.entities import Heartbeat
from chalicelib.platform.ports import PlatformStore, ServiceProbe
from chalicelib.platform.schemas import CanaryInput, ComponentStatus, HealthResponse, HeartbeatMessage

HEARTBEAT_TOPIC = "ems/platform/heartbeat"


def health(
    *, probe: ServiceProbe, store: PlatformStore, now: datetime, max_age: timedelta, stage: str
) -> HealthResponse:
    components: dict[str, ComponentStatus] = {}
    components["dynamodb"] = _check_tables(probe)
    beats: dict[str, Heartbeat] = {}
    if components["dynamodb"].status == "ok":
        beats = store.heartbeats()
    components["stepfunctions"] = _check_workflows(probe, beats.get("stepfunctions"), now, max_age)
    components["mqtt"] = _fresh(beats.get("mqtt"), now, max_age, "MQTT heartbeat")
    ok = all(c.status == "ok" for c in components.values())
    return HealthResponse(status="ok" if ok else "degraded", stage=stage, components=components)


def _check_tables(probe: ServiceProbe) -> ComponentStatus:
    try:
        tables = probe.tables()
    except Exception as exc:  # any client failure means "not reachable"
        return ComponentStatus(status="failing", detail=f"DynamoDB unreachable: {type(exc).__name__}")
    bad = sorted(name for name, st in tables.items() if st != "ACTIVE")
    if bad:
        return ComponentStatus(status="failing", detail=f"tables not active: {', '.join(bad)}")
    return ComponentStatus(status="ok", detail=f"{len(tables)} tables active")


def _check_workflows(probe: ServiceProbe, beat: Heartbeat | None, now: datetime, max_age: timedelta) -> ComponentStatus:
    try:
        machines = probe.state_machines()
    except Exception as exc:
        return ComponentStatus(status="failing", detail=f"Step Functions unreachable: {type(exc).__name__}")
    bad = sorted(name for name, st in machines.items() if st != "ACTIVE")
    if bad:
        return ComponentStatus(status="failing", detail=f"state machines not active: {', '.join(bad)}")
    return _fresh(beat, now, max_age, "canary execution")


def _fresh(beat: Heartbeat | None, now: datetime, max_age: timedelta, what: str) -> ComponentStatus:
    if beat is None:
        return ComponentStatus(status="failing", detail=f"no {what} seen yet")
    age = now - beat.at
    if not beat.ok:
        return ComponentStatus(status="failing", detail=f"last {what} failed: {beat.detail}", checked_at=beat.at)
    if age > max_age:
        return ComponentStatus(
            status="failing", detail=f"last {what} {int(age.total_seconds())} s ago", checked_at=beat.at
        )
    return ComponentStatus(status="ok", detail=f"last {what} {int(age.total_seconds())} s ago", checked_at=beat.at)


def canary_probe(inp: CanaryInput, *, probe: ServiceProbe, publisher: Publisher, now: datetime) -> dict[str, str]:
    """One canary run: tables must be active, then a heartbeat goes out over MQTT."""
    result: dict[str, str] = {"execution": inp.execution}
    if "dynamodb" in inp.checks:
        status = _check_tables(probe)
        if status.status != "ok":
            raise CanaryCheckFailed(status.detail)
        result["dynamodb"] = status.detail
    if "mqtt" in inp.checks:
        message = HeartbeatMessage(source="canary", sent_at=now, seq=inp.execution)
        publisher.publish(HEARTBEAT_TOPIC, message.model_dump(mode="json"))
        result["mqtt"] = f"published to {HEARTBEAT_TOPIC}"
    return result


def canary_succeeded(execution: str, *, store: PlatformStore, now: datetime) -> None:
    store.put_heartbeat(Heartbeat(component="stepfunctions", ok=True, at=now, source=execution))


def canary_failed(execution: str, error: str, *, store: PlatformStore, now: datetime) -> None:
    detail = error[:100]
    store.put_heartbeat(Heartbeat(component="stepfunctions", ok=False, at=now, source=execution, detail=detail))


def heartbeat_received(message: HeartbeatMessage, *, store: PlatformStore, now: datetime) -> Heartbeat:
    beat = Heartbeat(component="mqtt", ok=True, at=now, source=f"{message.source}:{message.seq}")
    store.put_heartbeat(beat)
    return beat


class CanaryCheckFailed(Exception):
    """Raised inside the canary task so the state machine takes its Catch path."""
