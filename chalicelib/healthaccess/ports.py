"""Ports of the access rule: incident and unit look-ups, grants, the audit trail."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from chalicelib.fleet.ports import FleetStore
from chalicelib.healthaccess.entities import Grant, IncidentRef
from chalicelib.platform.ports import PlatformStore


class IncidentDirectory(ABC):
    @abstractmethod
    def get(self, incident_id: str) -> IncidentRef | None: ...


class GrantStore(ABC):
    @abstractmethod
    def of_incident(self, incident_id: str) -> list[Grant]:
        """Every grant on the incident, expired ones included until their TTL removes them (one Query)."""

    @abstractmethod
    def add(self, grant: Grant) -> None:
        """Store a grant, replacing the grantee's earlier one on the same incident and basis."""

    @abstractmethod
    def revoke(self, incident_id: str, grantee: str, basis: str) -> bool:
        """Remove the grantee's grant held on `basis` (True when there was one); other bases stay."""


class AccessAlerts(ABC):
    @abstractmethod
    def break_glass(self, county: str, message: dict[str, object]) -> None:
        """Tell the incident's county desk that someone broke the glass on it."""


@dataclass(frozen=True)
class AccessPorts:
    fleet: FleetStore
    incidents: IncidentDirectory
    grants: GrantStore
    audit: PlatformStore
    alerts: AccessAlerts
