"""Ports of automatic dispatch: the claim store, the crew's channel, co-responders and the
workflow waiting for a unit. Use cases take them as arguments; tests pass fakes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from chalicelib.dispatch.entities import Candidate, Claim, DispatchIncident, Point, SearchRecord
from chalicelib.fleet.entities import UnitType


class CandidateSource(ABC):
    @abstractmethod
    def available_near(
        self, point: Point, unit_types: frozenset[UnitType], county: str | None, want: int
    ) -> tuple[list[Candidate], int]:
        """Up to `want` free suitable units nearest the point (straight line), and items read."""


class DispatchStore(ABC):
    @abstractmethod
    def get(self, incident_id: str) -> DispatchIncident | None:
        """Strongly consistent: every decision below is taken on what was last written."""

    @abstractmethod
    def save_search(self, incident_id: str, search: SearchRecord, now: datetime) -> None: ...

    @abstractmethod
    def claim(
        self, incident: DispatchIncident, unit_id: str, by: str, now: datetime, search: SearchRecord | None = None
    ) -> Claim:
        """One transaction: the unit AVAILABLE -> ASSIGNED (if still free) with the incident's
        assignment (if it is still open and, unless this is a reassignment, unassigned), and the
        search that chose it. A unit the incident already had is released in the same transaction."""

    @abstractmethod
    def wait(self, incident_id: str, pool: str, level: str, now: datetime) -> bool:
        """Put an open, unassigned incident in a waiting pool; False if it is not one any more."""

    @abstractmethod
    def keep_token(self, incident_id: str, token: str) -> bool:
        """Keep the waiting workflow's task token; False if the incident is no longer waiting."""

    @abstractmethod
    def waiting(self, pool: str, limit: int) -> list[DispatchIncident]:
        """The oldest incidents waiting in a pool (one query on the sparse `waiting` index)."""

    @abstractmethod
    def open_in(self, county: str) -> list[DispatchIncident]:
        """Open incidents of a county, for the board (one query on `open-by-county`)."""

    @abstractmethod
    def mark_notified(self, incident_id: str, unit_id: str, now: datetime) -> None: ...

    @abstractmethod
    def cancel(self, incident: DispatchIncident, reason: str, by: str, now: datetime) -> bool:
        """Close the incident and free its unit if the unit has not reached the scene; False
        (nothing written) if the unit is already on scene or the incident changed meanwhile."""


class CrewChannel(ABC):
    """The unit's onboard terminal and crew app (MQTT `ems/units/{unit_id}/dispatch`, QoS 1)."""

    @abstractmethod
    def send(self, unit_id: str, message: dict[str, Any]) -> None: ...


class CoResponders(ABC):
    """Fire, police and red cross subscribers (EventBridge)."""

    @abstractmethod
    def dispatched(self, detail: dict[str, Any]) -> None: ...


class WorkflowWaker(ABC):
    """Completes the task token of a workflow waiting for a unit."""

    @abstractmethod
    def wake(self, token: str, result: dict[str, Any]) -> bool:
        """False when the wait is already over (timed out, escalated): not an error."""
