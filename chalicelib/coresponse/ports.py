"""Ports of co-response position sharing: the incident look-up, the positions, the county desk."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from chalicelib.coresponse.entities import IncidentFacts, ResponderPosition, Saved
from chalicelib.fleet.api import FleetStore
from chalicelib.platform.api import PlatformStore


class IncidentFactsReader(ABC):
    @abstractmethod
    def get(self, incident_id: str) -> IncidentFacts | None:
        """Strongly consistent: a share right after the incident closed is refused."""


class PositionStore(ABC):
    @abstractmethod
    def save(self, position: ResponderPosition, remove_at: datetime) -> Saved:
        """Keep the fix unless a newer one of the same responder is stored (positions move forward only)."""

    @abstractmethod
    def of_incident(self, incident_id: str) -> list[ResponderPosition]: ...

    @abstractmethod
    def forget(self, incident_id: str) -> int:
        """Delete every position of the incident; how many there were."""


class Desk(ABC):
    @abstractmethod
    def position(self, county: str, message: dict[str, object]) -> None:
        """Show a responder's fix on the county dispatch desk's map."""


@dataclass(frozen=True)
class CoResponsePorts:
    incidents: IncidentFactsReader
    positions: PositionStore
    desk: Desk
    fleet: FleetStore
    audit: PlatformStore
