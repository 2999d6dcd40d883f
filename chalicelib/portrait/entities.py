"""The facts a portrait is drawn from, besides the archive's summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.triage.schemas import AssessmentInput, TriageResult


@dataclass(frozen=True)
class AssessmentFacts:
    at: datetime
    input: AssessmentInput
    result: TriageResult


@dataclass(frozen=True)
class MonitorFacts:
    at: datetime
    values: dict[str, Any]
    news2: int | None
