"""The PynamoDB AssessmentStore (imported on first use, not at cold start)."""

from __future__ import annotations

from datetime import UTC

from chalicelib.core.tables import bound
from chalicelib.triage.dal import AssessmentRecord
from chalicelib.triage.entities import Assessment
from chalicelib.triage.ports import AssessmentStore


def _assessment(r: AssessmentRecord) -> Assessment:
    return Assessment(
        incident_id=r.incident_id, assessment_id=r.assessment_id, assessed_at=r.assessed_at, by=r.by, role=r.role,
        level=int(r.level), pathway=r.pathway, source=dict(r.source), result=dict(r.result),
    )  # fmt: skip


class DynamoAssessmentStore(AssessmentStore):
    def add(self, a: Assessment) -> None:
        # The range key orders an incident's history by time, ties broken by the id.
        key = f"{a.assessed_at.astimezone(UTC).isoformat()}#{a.assessment_id}"
        bound(AssessmentRecord)(
            a.incident_id, key, assessment_id=a.assessment_id, assessed_at=a.assessed_at, by=a.by, role=a.role,
            level=a.level, pathway=a.pathway, source=a.source, result=a.result,
        ).save()  # fmt: skip

    def of_incident(
        self, incident_id: str, *, newest_first: bool = False, limit: int | None = None
    ) -> list[Assessment]:
        rows = bound(AssessmentRecord).query(incident_id, scan_index_forward=not newest_first, limit=limit)
        return [_assessment(r) for r in rows]
