"""The triage domain's ports, built on first use (`core.root` forgets them on reset)."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.triage.ports import AssessmentStore


@provider
def get_assessment_store() -> AssessmentStore:
    from chalicelib.triage.adapters import DynamoAssessmentStore

    return DynamoAssessmentStore()
