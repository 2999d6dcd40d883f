"""The timeline's tables, behind ports (first write wins wherever a node is stored)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from chalicelib.timeline.entities import Band, HospitalNode, KpiSummary, ResponseNode


class TimelineStore(ABC):
    @abstractmethod
    def bind(self, band: Band) -> Band:
        """Store the band unless it exists; the stored band either way."""

    @abstractmethod
    def band(self, band_id: str) -> Band | None: ...

    @abstractmethod
    def record(self, node: HospitalNode) -> tuple[HospitalNode, bool]:
        """Store the node unless the incident has it; the stored node, and whether this call stored it."""

    @abstractmethod
    def hospital_nodes(self, incident_id: str) -> list[HospitalNode]: ...

    @abstractmethod
    def kpi(self, incident_id: str) -> KpiSummary | None: ...

    @abstractmethod
    def save_kpi(self, summary: KpiSummary) -> None: ...

    @abstractmethod
    def kpis(self, counties: Sequence[str], start: datetime, end: datetime) -> list[KpiSummary]:
        """The summaries of the counties' incidents called in [start, end] (one Query per county)."""


class ResponseNodeStore(ABC):
    @abstractmethod
    def add(self, node: ResponseNode) -> bool:
        """Store the node unless it is there; True when this call stored it."""

    @abstractmethod
    def at(self, incident_id: str, node: str) -> datetime | None:
        """The stored time of `node`, read consistently."""

    @abstractmethod
    def of_incident(self, incident_id: str, namespace: str | None = None) -> dict[str, datetime]: ...


class Consultations(ABC):
    @abstractmethod
    def count(self, incident_id: str) -> int:
        """How many remote consultations the incident had."""
