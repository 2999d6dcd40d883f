"""The first-responder network's stores: the volunteers, and the alert rounds with their alerts.

Every write that races another (an answer and a round, two rounds, an accept and a stand-down) is
conditional, and says whether it won, so the use cases settle on one outcome.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from datetime import datetime

from chalicelib.volunteers.entities import Alert, AlertRound, AlertStatus, Candidate, ResponderNode, Volunteer


class VolunteerStore(ABC):
    @abstractmethod
    def add(self, volunteer: Volunteer) -> bool:
        """Register a volunteer; False when the id is taken."""

    @abstractmethod
    def get(self, volunteer_id: str) -> Volunteer | None: ...

    @abstractmethod
    def exists(self, volunteer_id: str) -> bool: ...

    @abstractmethod
    def set_duty(
        self,
        volunteer_id: str,
        on_duty: bool,
        lat: float | None,
        lon: float | None,
        at: datetime,
        *,
        on_duty_only: bool,
    ) -> bool:
        """On duty with a position (or off duty, the position dropped); False when the volunteer is not
        registered, or (`on_duty_only`) not on duty."""

    @abstractmethod
    def candidates(self, volunteer_ids: Iterable[str]) -> list[Candidate]:
        """The volunteers as the alert rules see them (no name, no phone), wherever they are."""

    @abstractmethod
    def contacts(self, volunteer_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Name and phone by volunteer id: for the dispatcher, of those who accepted."""

    @abstractmethod
    def near(
        self, lat: float, lon: float, radius_m: float, wanted: int, keep: Callable[[Candidate], bool]
    ) -> list[Candidate]:
        """On-duty volunteers near the point, read no further than `wanted` that `keep` accepts need."""

    @abstractmethod
    def engage(self, volunteer_id: str, incident_id: str, now: datetime, stale_before: datetime) -> bool:
        """Hold the volunteer for this arrest unless another (engaged since `stale_before`) holds them."""

    @abstractmethod
    def release(self, volunteer_id: str, incident_id: str) -> None:
        """Free the volunteer, if this arrest still holds them."""


class AlertStore(ABC):
    @abstractmethod
    def round(self, incident_id: str) -> AlertRound | None:
        """Strongly consistent."""

    @abstractmethod
    def rounds(self, incident_ids: Iterable[str]) -> dict[str, AlertRound]: ...

    @abstractmethod
    def create_round(self, rnd: AlertRound) -> bool:
        """Store the arrest's round; False when one was stored first."""

    @abstractmethod
    def end_round(self, incident_id: str, reason: str, at: datetime) -> None:
        """End the round, unless it has ended already (the first reason stands)."""

    @abstractmethod
    def set_unsafe(self, incident_id: str, note: str) -> None: ...

    @abstractmethod
    def resume(self, incident_id: str, at: datetime, generation: int) -> None:
        """Safe again: the round starts afresh (not ended, not unsafe), owned by execution `generation`."""

    @abstractmethod
    def alerts(self, incident_id: str, *, limit: int | None = None) -> list[Alert]:
        """Strongly consistent (without `limit`)."""

    @abstractmethod
    def alert(self, incident_id: str, volunteer_id: str) -> Alert | None:
        """Strongly consistent."""

    @abstractmethod
    def of_volunteer(self, volunteer_id: str, limit: int) -> list[Alert]:
        """The volunteer's alerts, newest first."""

    @abstractmethod
    def offer(self, alert: Alert) -> bool:
        """Store a new alert; False when this volunteer was already asked for this arrest."""

    @abstractmethod
    def move(
        self, incident_id: str, volunteer_id: str, old: AlertStatus, new: AlertStatus, at: datetime, reason: str | None
    ) -> bool:
        """From `old` to `new` (answered at `at` for an accept or decline); False when it had moved on."""

    @abstractmethod
    def report(self, incident_id: str, volunteer_id: str, node: ResponderNode, at: datetime) -> None:
        """Record a time node, unless one was reported first."""
