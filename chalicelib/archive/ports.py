"""The archive's persistence port."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from chalicelib.archive.bundle import Person
from chalicelib.archive.schemas import HealthSummary


@dataclass(frozen=True)
class Lookup:
    person_key: str | None = None
    summary: HealthSummary | None = None
    ambiguous: bool = False


class ArchiveStore(ABC):
    @abstractmethod
    def save(self, person: Person, by: str, at: datetime) -> None:
        """Replace the person's summary and keep its phone alias in step."""

    @abstractmethod
    def find(self, key: str) -> Lookup: ...

    @abstractmethod
    def link(self, incident_id: str, person_key: str, at: datetime) -> bool:
        """Set the incident's patient; False when there is no such incident."""
