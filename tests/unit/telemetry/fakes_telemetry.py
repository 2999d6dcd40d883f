"""In-memory ports of ingestion, and helpers that build what the IoT rule would send."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.clinical.news2 import News2
from chalicelib.fleet.entities import UnitStatus
from chalicelib.telemetry.decode import Inbound, Reject
from chalicelib.telemetry.logic import Arrival, UnitNow
from chalicelib.telemetry.ports import Arrivals, Outbox, Places, Reading, TelemetryStore
from chalicelib.telemetry.schemas import DeviceStatus, Position
from chalicelib.telemetry.service import Ports


def inbound(topic: str, payload: bytes | dict[str, Any], received: datetime | None = None) -> Inbound:
    """As the rule sends it; the broker received it a second after its `ts` unless told otherwise."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    if received is None and isinstance(payload, dict) and isinstance(payload.get("ts"), str):
        received = datetime.fromisoformat(payload["ts"]) + timedelta(seconds=1)
    received_ms = int(received.timestamp() * 1000) if received else time.time_ns() // 1_000_000
    body = {"payload": base64.b64encode(raw).decode(), "topic": topic, "received_ms": received_ms}
    return Inbound(str(uuid.uuid4()), json.dumps(body))


@dataclass
class MemoryTelemetry(TelemetryStore):
    state: dict[str, UnitNow] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    writes: int = 0
    readings: dict[tuple[str, str], Reading] = field(default_factory=dict)
    marks: dict[str, tuple[datetime, News2 | None]] = field(default_factory=dict)
    devices: dict[str, DeviceStatus] = field(default_factory=dict)
    fail_units: set[str] = field(default_factory=set)

    def units(self, unit_ids: Sequence[str]) -> dict[str, UnitNow]:
        return {u: self.state[u] for u in unit_ids if u in self.state}

    def write_position(self, unit: UnitNow, fix: Position) -> bool:
        if unit.unit_id in self.fail_units:
            raise RuntimeError("throttled")
        current = self.state[unit.unit_id]
        if current.position_at >= fix.ts:
            return False
        self.writes += 1
        self.positions[unit.unit_id] = fix
        self.state[unit.unit_id] = replace(current, position_at=fix.ts)
        return True

    def write_device_status(self, message: DeviceStatus) -> None:
        old = self.devices.get(message.unit_id)
        if old is None or old.ts < message.ts:
            self.devices[message.unit_id] = message

    def put_readings(self, readings: Sequence[Reading]) -> None:
        for r in readings:
            self.readings[(r.subject, f"{r.message.ts.isoformat()}#{r.message.seq}")] = r

    def watermark(self, subject: str) -> tuple[datetime, News2 | None] | None:
        return self.marks.get(subject)

    def set_watermark(self, subject: str, at: datetime, alerted: News2 | None) -> bool:
        old = self.marks.get(subject)
        if old is not None and old[0] >= at:
            return False
        self.marks[subject] = (at, alerted)
        return True


@dataclass
class FixedPlaces(Places):
    incidents: dict[str, tuple[float, float]] = field(default_factory=dict)
    hospitals: dict[str, tuple[float, float]] = field(default_factory=dict)

    def incident(self, incident_id: str) -> tuple[float, float] | None:
        return self.incidents.get(incident_id)

    def hospital(self, hospital_id: str) -> tuple[float, float] | None:
        return self.hospitals.get(hospital_id)


@dataclass
class RecordedArrivals(Arrivals):
    store: MemoryTelemetry
    seen: list[Arrival] = field(default_factory=list)

    def arrive(self, arrival: Arrival) -> bool:
        self.seen.append(arrival)
        unit = self.store.state[arrival.unit_id]
        self.store.state[arrival.unit_id] = replace(unit, status=arrival.status)
        return True


@dataclass
class MemoryOutbox(Outbox):
    rejected: list[Reject] = field(default_factory=list)
    alerts: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    down: bool = False

    def reject(self, rejects: Sequence[Reject]) -> set[str]:
        if self.down:
            return {r.message_id for r in rejects}
        self.rejected += rejects
        return set()

    def alert(self, topic: str, message: dict[str, object]) -> None:
        self.alerts.append((topic, message))


def ports(store: MemoryTelemetry, places: FixedPlaces | None = None, coalesce_s: float = 3.0) -> Ports:
    return Ports(store, places or FixedPlaces(), RecordedArrivals(store), MemoryOutbox(), coalesce_s)


def unit(unit_id: str, at: datetime, status: UnitStatus = UnitStatus.AVAILABLE, **kw: Any) -> UnitNow:
    return UnitNow(unit_id, status, at, kw.get("incident_id"), kw.get("destination_id"))
