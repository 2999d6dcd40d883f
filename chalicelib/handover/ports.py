"""Ports of the handover: its table, the admission it closes, the facts of the bundle, who follows."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.bookings.api import AcceptedBooking
from chalicelib.handover.bundle import HandoverFacts
from chalicelib.handover.entities import Handover


class HandoverStore(ABC):
    @abstractmethod
    def add(self, handover: Handover) -> None: ...

    @abstractmethod
    def latest(self, incident_id: str) -> Handover | None:
        """The incident's newest handover, or None."""


class Admissions(ABC):
    """The booking a handover closes (bookings' api)."""

    @abstractmethod
    def accepted(self, incident_id: str) -> AcceptedBooking | None: ...

    @abstractmethod
    def arrive(self, booking_id: str, now: datetime) -> None:
        """Close the booking as arrived (409 unless it is accepted)."""

    @abstractmethod
    def send(self, hospital_id: str, bundle: dict[str, Any]) -> str:
        """The bundle to the hospital's information system: `ok`, `not_connected` or `failed`."""


class FactSources(ABC):
    @abstractmethod
    def gather(self, incident_id: str, booking: AcceptedBooking, unit_id: str | None, now: datetime) -> HandoverFacts:
        """What the platform holds of the patient: times, assessment, readings, archive, orders."""


class Followers(ABC):
    @abstractmethod
    def handed_over(self, incident_id: str, booking_id: str, now: datetime) -> None:
        """The KPI summary and the workflow learn of the handover (never raises)."""


@dataclass(frozen=True)
class HandoverPorts:
    store: HandoverStore
    admissions: Admissions
    facts: FactSources
    followers: Followers
