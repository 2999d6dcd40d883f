"""The triage domain's store of assessments."""

from __future__ import annotations

from abc import ABC, abstractmethod

from chalicelib.triage.entities import Assessment


class AssessmentStore(ABC):
    @abstractmethod
    def add(self, assessment: Assessment) -> None: ...

    @abstractmethod
    def of_incident(
        self, incident_id: str, *, newest_first: bool = False, limit: int | None = None
    ) -> list[Assessment]:
        """The incident's assessments, oldest first unless `newest_first` (one Query)."""
