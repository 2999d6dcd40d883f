"""Ports of the consultations' use cases: the sessions' table, live video, and what bookings say."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.consultations.entities import Consultation, Holding, Participants
from chalicelib.video.api import VideoProvider


class ConsultationStore(ABC):
    @abstractmethod
    def add(self, consultation: Consultation) -> None:
        """Store a new session (its id is fresh: a second one with the same id is refused)."""

    @abstractmethod
    def get(self, consultation_id: str) -> Consultation | None:
        """The session read consistently, or None."""

    @abstractmethod
    def of_incident(self, incident_id: str) -> list[Consultation]:
        """The incident's sessions, oldest first."""

    @abstractmethod
    def change_participants(
        self, consultation: Consultation, change: Callable[[Participants], Participants]
    ) -> Consultation:
        """Apply `change` to the participants as stored, never losing a concurrent writer's change."""

    @abstractmethod
    def close(
        self, consultation: Consultation, outcome: str, at: datetime, by: str, participants: Participants
    ) -> Consultation | None:
        """Close the open session; None when it was closed already."""

    @abstractmethod
    def incident_of(self, consultation_id: str) -> str | None: ...


class Bookings(ABC):
    """What consultations ask of bookings: who has the patient, and the hospital's inbound messages."""

    @abstractmethod
    def holding(self, incident_id: str) -> list[Holding]:
        """The hospitals that have the patient by a booking (accepted or arrived), oldest first."""

    @abstractmethod
    def to_hospital(self, hospital_id: str, message: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class ConsultationPorts:
    store: ConsultationStore
    video: VideoProvider
