"""The workflow's waits for milestones, over an in-memory incident and task waker."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.workflow import service
from chalicelib.workflow.entities import Milestone
from chalicelib.workflow.ports import TaskWaker


class MemoryWaker(TaskWaker):
    def __init__(self, *, over: bool = False, fails: bool = False) -> None:
        self.woken: list[tuple[str, dict[str, Any]]] = []
        self.over, self.fails = over, fails

    def wake(self, token: str, output: dict[str, Any]) -> bool:
        if self.fails:
            raise ConnectionError("Step Functions unreachable")
        self.woken.append((token, output))
        return not self.over


class MemoryIncident:
    """The incident's parked tokens and status, as the incidents api keeps them."""

    def __init__(self, incident_id: str = "INC1", status: str = "on_scene") -> None:
        self.incident_id, self.status = incident_id, status
        self.tokens: dict[str, str] = {}

    def park(self, incident_id: str, milestone: str, token: str) -> bool:
        if incident_id != self.incident_id:
            return False
        self.tokens[milestone] = token
        return True

    def parked(self, incident_id: str, milestones: list[str]) -> dict[str, str]:
        return {m: t for m, t in self.tokens.items() if m in milestones}

    def take(self, incident_id: str, milestone: str, token: str) -> bool:
        if self.tokens.get(milestone) != token:
            return False
        del self.tokens[milestone]
        return True


@pytest.fixture
def incident(monkeypatch: pytest.MonkeyPatch) -> MemoryIncident:
    inc = MemoryIncident()
    monkeypatch.setattr(service.incidents, "park_milestone_token", inc.park)
    monkeypatch.setattr(service.incidents, "milestone_tokens", inc.parked)
    monkeypatch.setattr(service.incidents, "take_milestone_token", inc.take)
    monkeypatch.setattr(service, "_ended", lambda incident_id: inc.status in ("cancelled", "closed"))
    monkeypatch.setattr(service, "_CHECKS", {m: lambda incident_id: False for m in Milestone})
    monkeypatch.setattr(service, "_close_hooks", lambda: [])
    return inc


def _event(milestone: Milestone, incident_id: str = "INC1") -> dict[str, str]:
    return {"incident_id": incident_id, "milestone": milestone.value, "task_token": "T1"}


def test_a_wait_for_a_milestone_not_yet_there_is_parked(incident: MemoryIncident) -> None:
    # Given an open incident whose crew is not on scene yet
    waker = MemoryWaker()
    # When the workflow waits for on scene
    out = service.await_milestone(_event(Milestone.ON_SCENE), waker=waker)
    # Then the token is parked and nothing is woken
    assert out == {"incident_id": "INC1", "milestone": "on_scene", "parked": True}
    assert incident.tokens == {"on_scene": "T1"} and waker.woken == []


def test_a_milestone_reached_before_the_wait_completes_it_at_once(
    incident: MemoryIncident, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a crew already assessed the patient
    monkeypatch.setitem(service._CHECKS, Milestone.ASSESSED, lambda incident_id: True)
    waker = MemoryWaker()
    # When the workflow starts waiting for the assessment
    service.await_milestone(_event(Milestone.ASSESSED), waker=waker)
    # Then its token is taken and completed with `already`
    assert waker.woken == [("T1", {"milestone": "assessed", "closed": False, "already": True})]
    assert incident.tokens == {}


def test_reached_completes_a_parked_wait_once(incident: MemoryIncident) -> None:
    waker = MemoryWaker()
    service.await_milestone(_event(Milestone.AT_HOSPITAL), waker=waker)
    # When the unit reports at hospital twice
    first = service.reached("INC1", Milestone.AT_HOSPITAL, {"unit": "AMB01"}, waker=waker)
    second = service.reached("INC1", Milestone.AT_HOSPITAL, waker=waker)
    # Then the wait is completed by the first report only
    assert (first, second) == (True, False)
    assert waker.woken == [("T1", {"milestone": "at_hospital", "closed": False, "unit": "AMB01"})]


def test_reached_with_no_wait_parked_is_a_no_op(incident: MemoryIncident) -> None:
    waker = MemoryWaker()
    assert service.reached("INC1", Milestone.ON_SCENE, waker=waker) is False
    assert waker.woken == []


def test_a_failed_wake_never_fails_the_caller(incident: MemoryIncident) -> None:
    incident.tokens["accepted"] = "T9"
    # When Step Functions cannot be reached
    assert service.reached("INC1", Milestone.ACCEPTED, waker=MemoryWaker(fails=True)) is False
    # Then the token is gone (the workflow's own timeout catches a lost wake)
    assert incident.tokens == {}


def test_a_wait_already_over_counts_as_not_woken(incident: MemoryIncident) -> None:
    incident.tokens["handed_over"] = "T3"
    assert service.reached("INC1", Milestone.HANDED_OVER, waker=MemoryWaker(over=True)) is False


def test_closing_completes_every_parked_wait_with_closed(incident: MemoryIncident) -> None:
    incident.tokens.update({"on_scene": "T1", "assessed": "T2"})
    waker = MemoryWaker()
    assert service.closed("INC1", waker=waker) == 2
    assert sorted(waker.woken) == [
        ("T1", {"milestone": "on_scene", "closed": True}),
        ("T2", {"milestone": "assessed", "closed": True}),
    ]


def test_a_wait_parked_on_an_ended_job_is_closed_at_once(incident: MemoryIncident) -> None:
    # Given the incident was cancelled before the workflow got to wait
    incident.status = "cancelled"
    waker = MemoryWaker()
    service.await_milestone(_event(Milestone.ON_SCENE), waker=waker)
    assert waker.woken == [("T1", {"milestone": "on_scene", "closed": True})]


def test_waiting_on_an_unknown_incident_is_an_error(incident: MemoryIncident) -> None:
    with pytest.raises(LookupError):
        service.await_milestone(_event(Milestone.ON_SCENE, incident_id="NOPE"), waker=MemoryWaker())


def test_a_unit_back_in_service_closes_and_on_scene_is_a_milestone(
    incident: MemoryIncident, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[tuple[str, Any]] = []
    monkeypatch.setattr(service, "closed", lambda incident_id, **_: told.append(("closed", incident_id)) or 0)
    monkeypatch.setattr(service, "reached", lambda incident_id, m, *a, **k: told.append((m.value, incident_id)))
    service.unit_status("INC1", "ON_SCENE")
    service.unit_status("INC1", "AVAILABLE")
    service.unit_status(None, "ON_SCENE")
    assert told == [("on_scene", "INC1"), ("closed", "INC1")]
