"""Ports of automatic dispatch: the claim store, the crew's channel, co-responders and the
workflow waiting for a unit. Use cases take them as arguments; tests pass fakes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.dispatch.entities import Candidate, Point, Recommendation
from chalicelib.fleet.entities import UnitType
from chalicelib.incidents.entities import CLOSED_STATUSES

CITY = "city"  # the waiting pool of incidents escalated to the whole city


@dataclass(frozen=True)
class SearchRecord:
    """What a search found, kept on the incident for the dispatcher."""

    recommendations: list[Recommendation]
    note: str | None  # why it is degraded, if it is
    level: str  # "county" or "city"


class Claim(StrEnum):
    CLAIMED = "claimed"
    UNIT_TAKEN = "unit_taken"  # someone else claimed the unit first: try the next one
    SETTLED = "settled"  # the incident got a unit meanwhile, or closed


@dataclass(frozen=True)
class DispatchIncident:
    """An incident as dispatch reads it (consistently, from the incidents table)."""

    incident_id: str
    county: str
    status: str
    point: Point
    address_text: str | None
    symptoms: tuple[str, ...]
    needs: UnitType
    created_at: datetime
    level: str | None = None  # "county" or "city"
    waiting_since: datetime | None = None
    wait_token: str | None = None
    unit_id: str | None = None
    assigned_at: datetime | None = None
    assigned_by: str | None = None
    notified_at: datetime | None = None
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    recommended_at: datetime | None = None
    search_note: str | None = None
    workflow: str = "pending"
    attention: str | None = None
    location: dict[str, Any] = field(default_factory=dict)  # as stored: address code, text, confidence

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def chosen(self) -> dict[str, Any] | None:
        """The recommendation of the unit it has, if the search offered that unit."""
        return next((r for r in self.recommendations if r.get("unit_id") == self.unit_id), None)

    @property
    def pool(self) -> str:
        return CITY if self.level == CITY else self.county


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
