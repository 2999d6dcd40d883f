"""Ports of the hospitals' use cases: the registry and capacity, and what options are computed from."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.hospitals.entities import Capacity, Hospital, OptionsInput


class HospitalStore(ABC):
    @abstractmethod
    def hospitals(self) -> list[Hospital]:
        """The whole registry (cached per container: it changes a few times a year)."""

    def find(self, hospital_id: str) -> Hospital | None:
        return next((h for h in self.hospitals() if h.hospital_id == hospital_id), None)

    @abstractmethod
    def capacity(self, hospital_ids: Iterable[str]) -> dict[str, Capacity]:
        """Live capacity of these hospitals, read fresh; a hospital that never reported is absent."""

    @abstractmethod
    def report_capacity(self, hospital_id: str, capacity: Capacity) -> bool:
        """Store the hospital's report; False when there is no such hospital."""

    @abstractmethod
    def name(self, hospital_id: str) -> str | None: ...

    @abstractmethod
    def location(self, hospital_id: str) -> tuple[float, float] | None: ...


class OptionSources(ABC):
    """Where an incident's options start from: the incident, its unit's position, travel times."""

    @abstractmethod
    def incident(self, incident_id: str) -> OptionsInput | None: ...

    @abstractmethod
    def unit_position(self, unit_id: str) -> tuple[float, float] | None: ...

    @abstractmethod
    def travel_s(self, lat: float, lon: float, hospital: Hospital, at: datetime) -> float: ...


@dataclass(frozen=True)
class HospitalPorts:
    store: HospitalStore
    sources: OptionSources
