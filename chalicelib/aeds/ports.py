"""The AED registry's store: the AEDs around a point, one AED, its keepers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from chalicelib.aeds.entities import Aed, AedVerification


class AedStore(ABC):
    @abstractmethod
    def in_range(self, coarse: str, lo: str, hi: str) -> list[Aed]:
        """The AEDs of one coarse cell whose fine cell lies in [lo, hi] (one index Query)."""

    @abstractmethod
    def get(self, aed_id: str) -> Aed | None: ...

    @abstractmethod
    def add(self, aed: Aed) -> None:
        """Store a new AED (its id must be new)."""

    @abstractmethod
    def set_verification(self, aed_id: str, outcome: AedVerification) -> Aed | None:
        """The AED with its new verification, or None when there is no such AED."""

    @abstractmethod
    def keepers(self, aed_id: str) -> list[str]:
        """The volunteer ids who keep the AED."""

    @abstractmethod
    def add_keeper(self, aed_id: str, volunteer_id: str, at: datetime, by: str) -> None: ...

    @abstractmethod
    def remove_keeper(self, aed_id: str, volunteer_id: str) -> None: ...
