"""The portrait's sources over the domains that hold them (triage, telemetry, incidents, archive)."""

from __future__ import annotations

from chalicelib.archive.api import HealthSummary
from chalicelib.portrait.entities import AssessmentFacts, MonitorFacts
from chalicelib.portrait.ports import PortraitSources
from chalicelib.triage.schemas import AssessmentInput, TriageResult


class DomainSources(PortraitSources):
    def assessment(self, incident_id: str) -> AssessmentFacts | None:
        from chalicelib.triage.api import latest_by_person

        # The monitor's readings are taken from the readings themselves, not from its re-triages.
        a = latest_by_person(incident_id, within=20)
        if a is None:
            return None
        return AssessmentFacts(
            at=a.assessed_at,
            input=AssessmentInput.model_validate(a.source),
            result=TriageResult.model_validate(a.result),
        )

    def monitor(self, incident_id: str) -> MonitorFacts | None:
        from chalicelib.telemetry.api import newest_readings

        for r in newest_readings(incident_id, None, 1):
            return MonitorFacts(at=r.at, values=dict(r.values), news2=int(r.news2))
        return None

    def summary(self, incident_id: str) -> HealthSummary | None:
        from chalicelib.archive.api import summary_of
        from chalicelib.incidents import api as incidents

        record = incidents.look_up(incident_id, "patient_key")
        if record is None or not record.patient_key:
            return None
        return summary_of(record.patient_key)
