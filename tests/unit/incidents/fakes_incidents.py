"""In-memory fakes of the incidents ports, for logic tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.core.workflows import AlreadyStarted, WorkflowStarter
from chalicelib.incidents.entities import Call, Incident
from chalicelib.incidents.ports import IncidentClosed, IncidentStore, LockHeld


@dataclass
class MemoryIncidents(IncidentStore):
    incidents: dict[str, Incident] = field(default_factory=dict)
    calls: dict[str, Call] = field(default_factory=dict)
    locks: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    queries: int = 0

    def open_incidents(self, county: str, since: datetime) -> list[Incident]:
        self.queries += 1
        return [
            replace(i) for i in self.incidents.values() if i.county == county and i.is_open and i.created_at >= since
        ]

    def create(
        self,
        incident: Incident,
        call: Call,
        claims: list[str],
        until: datetime,
        *,
        passable: Mapping[str, str] | None = None,
        force: bool = False,
    ) -> None:
        assert incident.incident_id not in self.incidents and call.call_id not in self.calls
        passable = passable or {}
        held = {
            c: self.locks[c][0]
            for c in claims
            if c in self.locks and self.locks[c][1] >= incident.created_at and passable.get(c) != self.locks[c][0]
        }
        if held and not force:
            raise LockHeld(held)
        self.locks[claims[0]] = (incident.incident_id, until)
        self.incidents[incident.incident_id] = replace(incident)
        self.calls[call.call_id] = replace(call)

    def link(self, incident: Incident, call: Call, now: datetime) -> None:
        stored = self.incidents[incident.incident_id]
        if not stored.is_open:
            raise IncidentClosed(incident.incident_id)
        stored.calls += 1
        self.calls[call.call_id] = replace(call)

    def get(self, incident_id: str) -> Incident | None:
        return self.incidents.get(incident_id)

    def calls_of(self, incident_id: str) -> list[Call]:
        return [c for c in self.calls.values() if c.incident_id == incident_id]

    def get_call(self, call_id: str) -> Call | None:
        return self.calls.get(call_id)

    def mark_started(self, incident_id: str, execution: str) -> None:
        self.incidents[incident_id].workflow = "started"

    def flag_needs_dispatcher(self, incident_id: str, reason: str) -> None:
        self.incidents[incident_id].workflow = "needs_dispatcher"

    def unstarted(self, before: datetime, limit: int) -> list[Incident]:
        pending = [i for i in self.incidents.values() if i.workflow == "pending" and i.created_at < before]
        return pending[:limit]


@dataclass
class FakeStarter(WorkflowStarter):
    fail: bool = False
    started: dict[str, dict[str, Any]] = field(default_factory=dict)

    def start(self, machine: str, name: str, payload: dict[str, Any]) -> str:
        if self.fail:
            raise ConnectionError("states endpoint unreachable")
        if name in self.started:
            raise AlreadyStarted(name)
        self.started[name] = payload
        return f"arn:exec:{name}"
