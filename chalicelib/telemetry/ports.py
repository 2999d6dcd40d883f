"""Ports of ingestion: what it reads and writes, so the use case runs against fakes in unit tests."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.clinical.news2 import News2
from chalicelib.telemetry.decode import Reject
from chalicelib.telemetry.entities import StoredReading
from chalicelib.telemetry.logic import Arrival, UnitNow
from chalicelib.telemetry.schemas import DeviceStatus, Position, Vitals
from chalicelib.triage.schemas import TriageResult


@dataclass(frozen=True)
class Reading:
    """A monitor reading as stored: under its incident (or its unit's, when it has none)."""

    subject: str
    message: Vitals
    news2: News2


class TelemetryStore(ABC):
    @abstractmethod
    def units(self, unit_ids: Sequence[str]) -> dict[str, UnitNow]:
        """The units that exist among `unit_ids` (one batched read)."""

    @abstractmethod
    def write_position(self, unit: UnitNow, fix: Position) -> bool:
        """Store a newer fix conditional on time and status; False if the stored fix is as new or newer."""

    @abstractmethod
    def write_device_status(self, message: DeviceStatus) -> None:
        """Keep the newest device report of the unit (older ones are no-ops)."""

    @abstractmethod
    def put_readings(self, readings: Sequence[Reading]) -> None:
        """Store readings idempotently (a redelivered message overwrites itself)."""

    @abstractmethod
    def watermark(self, subject: str) -> tuple[datetime, News2 | None] | None:
        """The time of the newest reading judged so far, and the highest score alerted on."""

    @abstractmethod
    def set_watermark(self, subject: str, at: datetime, alerted: News2 | None) -> bool:
        """Record both unless a newer reading is already recorded."""


class ReadingSource(ABC):
    @abstractmethod
    def newest(self, incident_id: str, since: datetime | None, limit: int) -> list[StoredReading]:
        """The incident's newest readings taken after `since`, at most `limit`, oldest first (one Query)."""


class Places(ABC):
    """Where fences are: incident and hospital locations (they do not move; cached)."""

    @abstractmethod
    def incident(self, incident_id: str) -> tuple[float, float] | None: ...

    @abstractmethod
    def hospital(self, hospital_id: str) -> tuple[float, float] | None: ...


class Arrivals(ABC):
    @abstractmethod
    def arrive(self, arrival: Arrival) -> bool:
        """Move the unit to the arrival status with its time node, as the crew's report would;
        False if the unit is no longer in the status the arrival was detected from."""


class Retriage(ABC):
    @abstractmethod
    def escalate(self, incident_id: str, reading: Vitals, result: TriageResult) -> bool:
        """Record a monitor-driven assessment and raise the incident's level to `result.level`,
        unless it is already that urgent (so a redelivery or a steady reading does nothing)."""


class Outbox(ABC):
    """What leaves ingestion: rejects to their queue, alerts to MQTT."""

    @abstractmethod
    def reject(self, rejects: Sequence[Reject]) -> set[str]:
        """Send rejects with their reasons; returns the message ids that could not be sent."""

    @abstractmethod
    def alert(self, topic: str, message: dict[str, object]) -> None: ...


class EtaUpdates(ABC):
    """The receiving hospital's running ETA of a transporting unit."""

    @abstractmethod
    def update(self, unit_id: str, incident_id: str | None, hospital_id: str, lat: float, lon: float,
               hospital: tuple[float, float], at: datetime) -> bool:  # fmt: skip
        """Estimate and, when due, publish; True when a message went out."""
