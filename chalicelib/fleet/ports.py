"""Ports of the fleet domain: persistence and the "unit available" event."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from chalicelib.core.errors import Conflict
from chalicelib.fleet.entities import Station, TimeStamp, UnitAvailable, UnitState, UnitStatus
from chalicelib.fleet.logic import Step


class VersionConflict(Conflict):
    """Someone else changed the unit since it was read (optimistic lock)."""

    code = "version_conflict"


class FleetStore(ABC):
    @abstractmethod
    def get(self, unit_id: str, *, consistent: bool = False) -> UnitState | None: ...

    @abstractmethod
    def in_county(self, county: str, status: UnitStatus | None) -> list[UnitState]:
        """Units of one county, optionally of one status (one Query on `by-county`)."""

    @abstractmethod
    def station(self, station_id: str) -> Station | None: ...

    @abstractmethod
    def stations(self) -> dict[str, Station]: ...

    @abstractmethod
    def hospital_name(self, hospital_id: str) -> str | None:
        """The receiving hospital's display name, None if there is no such hospital."""

    @abstractmethod
    def apply(self, state: UnitState, step: Step, stamps: Sequence[TimeStamp], *, now: datetime) -> UnitState:
        """Write a status change and its time nodes atomically, conditional on `state.version`
        (VersionConflict otherwise); returns the state as written."""

    @abstractmethod
    def move(self, state: UnitState, lat: float, lon: float, at: datetime) -> bool:
        """Store a newer position (and its cells) conditional on `state.version` and on `at`
        being later than the stored fix; False when the stored fix is as new or newer.
        VersionConflict if the unit changed meanwhile."""

    @abstractmethod
    def record_first(self, stamp: TimeStamp) -> bool:
        """Store an event node unless that node is already there (the first report wins)."""

    @abstractmethod
    def time_of(self, incident_id: str, node: str, unit_id: str) -> TimeStamp | None: ...

    @abstractmethod
    def amend_time(self, stamp: TimeStamp) -> None:
        """Replace a recorded node (its confirmation or correction)."""

    @abstractmethod
    def times_of(self, incident_id: str) -> list[TimeStamp]:
        """Every node of an incident, in eTimes order (one Query)."""


# The incident's part of a unit's status transaction (the incident follows its unit):
# (tx, incident_id, unit_id, unit status, destination id, now) -> whether a part was added.
# Handed in by the composing caller (a route, another domain's wiring): the incidents' api reads
# dispatch, which reads the fleet, so the fleet does not import it.
IncidentStep = Callable[[Any, str, str, str, str | None, datetime], bool]


class UnitAvailableSink(ABC):
    """Where "a unit is free" goes: MQTT for now, waiting incidents once dispatch connects."""

    @abstractmethod
    def unit_available(self, event: UnitAvailable) -> None: ...
