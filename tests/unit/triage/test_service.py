"""Assessing a patient and reading the assessments back, over an in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.auth import Principal, Role
from chalicelib.triage import api, service
from chalicelib.triage.entities import Assessment
from chalicelib.triage.ports import AssessmentStore
from chalicelib.triage.schemas import AssessmentInput

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class MemoryAssessments(AssessmentStore):
    def __init__(self) -> None:
        self.items: list[Assessment] = []

    def add(self, assessment: Assessment) -> None:
        self.items.append(assessment)

    def of_incident(
        self, incident_id: str, *, newest_first: bool = False, limit: int | None = None
    ) -> list[Assessment]:
        mine = sorted((a for a in self.items if a.incident_id == incident_id), key=lambda a: a.assessed_at)
        return (mine[::-1] if newest_first else mine)[:limit]


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> MemoryAssessments:
    memory = MemoryAssessments()
    monkeypatch.setattr(service, "get_assessment_store", lambda: memory)
    monkeypatch.setattr(api, "get_assessment_store", lambda: memory)
    return memory


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """What the incident, the access rule and the workflow hear of an assessment."""
    heard: list[tuple[str, Any]] = []
    import chalicelib.healthaccess.api as access
    import chalicelib.incidents.api as incidents
    import chalicelib.workflow.api as workflow

    monkeypatch.setattr(
        access, "open_record", lambda who, incident_id, action, now, detail=None: heard.append((action, detail))
    )
    monkeypatch.setattr(
        incidents, "set_assessment", lambda i, level, pathway, needs, now: heard.append(("incident", (level, pathway)))
    )
    monkeypatch.setattr(workflow, "reached", lambda i, m, *a, **k: heard.append(("milestone", m.value)))
    return heard


def _device(incident_id: str, at: datetime, level: int) -> Assessment:
    return Assessment(incident_id, f"monitor-{at:%H%M}", at, by="telemetry", role="device", level=level,
                      pathway=None, source={}, result={})  # fmt: skip


def test_an_assessment_is_stored_and_tells_the_incident_and_the_workflow(
    store: MemoryAssessments, told: list[tuple[str, Any]]
) -> None:
    # Given a crew on the job assesses a stroke patient an hour after onset
    crew = Principal(subject="crew-1", role=Role.CREW, scopes=["unit:AMB01"])
    onset = (T0 - timedelta(hours=1)).isoformat()
    inp = AssessmentInput.model_validate({"findings": {"be_fast": True, "lams": 5, "last_known_well": onset}})
    # When the assessment is made
    view = service.assess(crew, "INC1", inp, T0)
    # Then it is stored by the crew, the incident learns its level and pathway, the workflow its milestone
    [stored] = store.items
    assert (stored.by, stored.role, stored.level, stored.pathway) == ("crew-1", "crew", view.level, view.pathway)
    assert view.pathway == "stroke"
    assert [t[0] for t in told] == ["assessment.create", "incident", "milestone"]
    assert told[1] == ("incident", (view.level, "stroke")) and told[2] == ("milestone", "assessed")


def test_the_history_is_oldest_first(store: MemoryAssessments, told: list[tuple[str, Any]]) -> None:
    crew = Principal(subject="crew-1", role=Role.CREW, scopes=["unit:AMB01"])
    inp = AssessmentInput.model_validate({"findings": {"be_fast": True, "lams": 5}})
    later = service.assess(crew, "INC1", inp, T0 + timedelta(minutes=5))
    first = service.assess(crew, "INC1", inp, T0)
    history = service.history(crew, "INC1", T0 + timedelta(minutes=6))
    assert [a.assessment_id for a in history.assessments] == [first.assessment_id, later.assessment_id]
    assert history.count == 2


def test_the_monitors_retriage_is_not_a_persons_assessment(store: MemoryAssessments) -> None:
    # Given only the monitor re-triaged the patient
    api.record_device_assessment("INC1", "monitor-AMB01-7", T0, 2, None, source={"vitals": {}}, result={"level": 2})
    # Then nobody has assessed them, and there is no latest assessment by a person
    assert api.crew_assessed("INC1") is False and api.latest_by_person("INC1") is None
    # When a crew assessment comes and the monitor re-triages after it
    store.add(Assessment("INC1", "a1", T0 + timedelta(minutes=1), "crew-1", "crew", 3, None, {}, {}))
    store.add(_device("INC1", T0 + timedelta(minutes=2), 2))
    # Then the person's is the latest by a person
    latest = api.latest_by_person("INC1")
    assert api.crew_assessed("INC1") is True and latest is not None and latest.assessment_id == "a1"
