"""Where a portrait's facts come from: the crew's assessment, the monitor, the archive."""

from __future__ import annotations

from abc import ABC, abstractmethod

from chalicelib.archive.api import HealthSummary
from chalicelib.portrait.entities import AssessmentFacts, MonitorFacts


class PortraitSources(ABC):
    @abstractmethod
    def assessment(self, incident_id: str) -> AssessmentFacts | None:
        """The newest assessment by a person (one the monitor made re-triages vitals only)."""

    @abstractmethod
    def monitor(self, incident_id: str) -> MonitorFacts | None:
        """The monitor's newest reading."""

    @abstractmethod
    def summary(self, incident_id: str) -> HealthSummary | None:
        """The identified patient's archived summary."""
