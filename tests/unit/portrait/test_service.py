"""Reading a portrait against in-memory sources: the access rule first, then the facts it is drawn from."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.archive.api import Condition, HealthSummary
from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Forbidden
from chalicelib.portrait import service
from chalicelib.portrait.entities import AssessmentFacts, MonitorFacts
from chalicelib.portrait.ports import PortraitSources

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
HOSPITAL = Principal(subject="dr-wang", role=Role.HOSPITAL, scopes=["hospital:H01"])


class Sources(PortraitSources):
    def __init__(self, summary: HealthSummary | None = None) -> None:
        self.summary_ = summary
        self.asked: list[str] = []

    def assessment(self, incident_id: str) -> AssessmentFacts | None:
        self.asked.append("assessment")
        return None

    def monitor(self, incident_id: str) -> MonitorFacts | None:
        self.asked.append("monitor")
        return MonitorFacts(at=NOW, values={"hr": 128, "spo2": 89}, news2=7)

    def summary(self, incident_id: str) -> HealthSummary | None:
        self.asked.append("summary")
        return self.summary_


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str | None]]:
    from chalicelib.healthaccess import api as access

    calls: list[tuple[str, str, str | None]] = []

    def open_record(who: Principal, incident_id: str, action: str, now: datetime, detail: str | None = None) -> None:
        if incident_id == "SECRET":
            raise Forbidden("not yours", code="not_destination")
        calls.append((incident_id, action, detail))

    monkeypatch.setattr(access, "open_record", open_record)
    return calls


def test_the_portrait_is_drawn_from_the_monitor_and_the_archive(opened: list[tuple[str, str, str | None]]) -> None:
    summary = HealthSummary(conditions=[Condition(code="I10", display="Hypertension")])
    sources = Sources(summary)
    p = service.portrait(sources, HOSPITAL, "INC1", NOW)
    assert opened == [("INC1", "portrait.read", None)]
    assert sources.asked == ["assessment", "monitor", "summary"]
    assert p.sources.archive and p.sources.monitor_at == NOW and p.sources.assessment_at is None


def test_the_picture_is_audited_as_the_body_map_and_a_refusal_reads_nothing(
    opened: list[tuple[str, str, str | None]],
) -> None:
    sources = Sources()
    service.portrait(sources, HOSPITAL, "INC1", NOW, picture=True)
    assert opened == [("INC1", "portrait.read", "body map")]
    sources.asked.clear()
    with pytest.raises(Forbidden):
        service.portrait(sources, HOSPITAL, "SECRET", NOW)
    assert sources.asked == []
