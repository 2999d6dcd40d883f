"""Ports of call intake: persistence and the caller-token key ring."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Protocol

from chalicelib.incidents.entities import Call, Incident


class IncidentClosed(Exception):
    """The incident a call tried to join closed in the meantime."""


class LockHeld(Exception):
    """Another call opened an incident for the same door (or spot) a moment ago."""

    def __init__(self, incident_id: str) -> None:
        super().__init__(incident_id)
        self.incident_id = incident_id


class IncidentStore(ABC):
    @abstractmethod
    def open_incidents(self, county: str, since: datetime) -> list[Incident]:
        """Open incidents of a county created at or after `since` (one query)."""

    @abstractmethod
    def create(self, incident: Incident, call: Call, lock: str, until: datetime, *, force: bool = False) -> None:
        """Store a new incident, its first call and the door lock `lock` (held until `until`)
        atomically. LockHeld(incident_id) when a live lock names another incident, unless `force`."""

    @abstractmethod
    def link(self, incident: Incident, call: Call, now: datetime) -> None:
        """Add a call to an open incident atomically; IncidentClosed if it is not open."""

    @abstractmethod
    def get(self, incident_id: str) -> Incident | None: ...

    @abstractmethod
    def calls_of(self, incident_id: str) -> list[Call]: ...

    @abstractmethod
    def get_call(self, call_id: str) -> Call | None: ...

    @abstractmethod
    def mark_started(self, incident_id: str, execution: str) -> None: ...

    @abstractmethod
    def flag_needs_dispatcher(self, incident_id: str, reason: str) -> None:
        """The workflow could not go on: the board shows the incident for manual handling."""

    @abstractmethod
    def unstarted(self, before: datetime, limit: int) -> list[Incident]:
        """Incidents whose workflow has not registered, created before `before`."""


class KeyRing(Protocol):
    @property
    def current_kid(self) -> str: ...

    def key(self, kid: str) -> bytes | None: ...
