"""Bodies of the assessments API, around the engine's result."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chalicelib.core.model import Model
from chalicelib.triage.models import TriageResult


class AssessmentView(TriageResult):
    assessment_id: str
    incident_id: str
    assessed_at: datetime


class AssessmentHistory(Model):
    incident_id: str
    assessments: list[AssessmentView] = Field(description="Oldest first")
    count: int
