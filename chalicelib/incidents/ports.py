"""Ports of call intake: persistence and the caller-token key ring."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from chalicelib.incidents.entities import Call, Incident


class IncidentClosed(Exception):
    """The incident a call tried to join closed in the meantime."""


class LockHeld(Exception):
    """Another call claimed part of this call's area a moment ago: `held` maps each claim found
    taken to the incident that holds it (empty when the write lost a race and should just retry)."""

    def __init__(self, held: dict[str, str]) -> None:
        super().__init__(held)
        self.held = held


class IncidentStore(ABC):
    @abstractmethod
    def open_incidents(self, county: str, since: datetime) -> list[Incident]:
        """Open incidents of a county created at or after `since` (one query)."""

    @abstractmethod
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
        """Store a new incident and its first call atomically with its area claims: `claims[0]` (the
        call's own cell) written, held until `until`, and every other claim checked free. A claim held
        by the incident `passable[claim]` (known not to be this call's) counts as free. LockHeld when a
        live claim of another incident is in the way, unless `force` (own claim written, none checked)."""

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
