"""Each Task of the call-to-admission workflow that fails past its retries puts the incident on the
dispatcher's board (FlagNeedsDispatcher) and ends the execution NeedsDispatcher, the alarmed failure.

The failure is injected into the Lambda handler the state invokes, only for the step under test; the
retries still run (their count is checked), with their backoff shortened so each case takes seconds.
"""

from __future__ import annotations

import json
import time
import types
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core import root
from tests.integration.bookings import test_bookings_api
from tests.integration.dispatch import test_dispatch_api
from tests.integration.dispatch.test_dispatch_api import near, only_free, open_incident, post, until
from tests.integration.workflow.test_workflow_journey import bookings
from tests.integration.workflow.test_workflow_needs_dispatcher import entered, flagged, history

fleet = test_dispatch_api.fleet
his = test_bookings_api.his

Event = dict[str, Any]


@pytest.fixture(autouse=True)
def _short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries still happen, MaxAttempts times, without the seconds of jittered backoff between them."""
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    sleep = time.sleep
    monkeypatch.setattr(retrier_decl, "time", types.SimpleNamespace(sleep=lambda s: sleep(min(s, 0.05))))


def milestone(name: str) -> Callable[[Event], bool]:
    return lambda event: event.get("milestone") == name


# state -> (the handler it invokes, which of its invocations fail, how far the job goes first)
CASES: dict[str, tuple[str, Callable[[Event], bool], str]] = {
    "Register": ("incident_registered", lambda e: True, "call"),
    "FirstResponse": ("dispatch_incident", lambda e: True, "call"),
    "AwaitOnScene": ("await_milestone", milestone("on_scene"), "assigned"),
    "AwaitAssessment": ("await_milestone", milestone("assessed"), "on_scene"),
    "OfferHospital": ("booking_state", lambda e: bool(e.get("offer")), "assessed"),
    "AwaitAcceptance": ("await_milestone", milestone("accepted"), "assessed"),
    "AwaitArrival": ("await_milestone", milestone("at_hospital"), "accepted"),
    "AwaitHandover": ("await_milestone", milestone("handed_over"), "at_hospital"),
    "RecordKpis": ("refresh_kpis", lambda e: True, "handed_over"),
}
STAGES = ["call", "assigned", "on_scene", "assessed", "accepted", "at_hospital", "handed_over"]


def inject(monkeypatch: pytest.MonkeyPatch, env: Any, handler: str, when: Callable[[Event], bool]) -> list[Event]:
    """Make `handler` raise for the events `when` picks; returns those events (one per attempt)."""
    original, failed = env.adapter.handlers[handler], []

    def run(event: Event, context: Any) -> Any:
        if when(event):
            failed.append(event)
            raise RuntimeError("injected failure")
        return original(event, context)

    monkeypatch.setitem(env.adapter.handlers, handler, run)
    return failed


def drive(client: Any, env: Any, incident_id: str, upto: str) -> None:
    """The crew and the hospital take the job as far as `upto`, as in the journey test."""
    crew = env.token("crew", "unit:AMB01")
    reached = STAGES.index(upto)
    if reached >= STAGES.index("on_scene"):
        assert test_dispatch_api.settled(client, env, incident_id)["status"] == "assigned"
    if reached >= STAGES.index("on_scene"):
        for status in ("en_route", "on_scene"):
            assert post(client, crew, "/v1/units/AMB01/status", {"status": status}).status_code == 200
    if reached >= STAGES.index("assessed"):
        onset = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        body = {"findings": {"be_fast": True, "lams": 5, "last_known_well": onset}}
        assert post(client, crew, f"/v1/incidents/{incident_id}/assessments", body).status_code == 201
    if reached >= STAGES.index("accepted"):
        [offer] = until(lambda: bookings(client, crew, incident_id), "the workflow's offer")
        ed = env.token("hospital", f"hospital:{offer['hospital_id']}")
        assert post(client, ed, f"/v1/bookings/{offer['booking_id']}/accept", {}).status_code == 200
        to = {"status": "transporting", "destination_id": offer["hospital_id"]}
        assert post(client, crew, "/v1/units/AMB01/status", to).status_code == 200
    if reached >= STAGES.index("at_hospital"):
        until(lambda: test_dispatch_api.parked(incident_id) == ["at_hospital"], "the wait for the arrival")
        assert post(client, crew, "/v1/units/AMB01/status", {"status": "at_hospital"}).status_code == 200
    if reached >= STAGES.index("handed_over"):
        until(lambda: test_dispatch_api.parked(incident_id) == ["handed_over"], "the wait for the handover")
        assert post(client, crew, f"/v1/incidents/{incident_id}/handover", {}).status_code == 201


def assert_flagged_after(env: Any, incident_id: str, state: str, attempts: int, failed: list[Event]) -> None:
    reason = until(lambda: flagged(env, incident_id), f"the incident flagged after {state} failed", 60)
    assert reason == "RuntimeError"
    events = history(env, incident_id)
    assert entered(events)[-2:] == ["FlagNeedsDispatcher", "NeedsDispatcher"]
    at = next(i for i, e in enumerate(events) if entered([e]) == ["FlagNeedsDispatcher"])
    exits = [e["stateExitedEventDetails"]["name"] for e in events[:at] if "stateExitedEventDetails" in e]
    assert exits[-1] == state, exits
    assert len(failed) == attempts, f"{len(failed)} attempts"
    [end] = [e for e in events if e["type"] == "ExecutionFailed"]
    assert end["executionFailedEventDetails"]["error"] == "NeedsDispatcher"


@pytest.mark.parametrize("state", CASES)
def test_a_task_failing_past_its_retries_flags_the_incident(
    state: str, fleet: Any, client: Any, his: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, when, upto = CASES[state]
    failed = inject(monkeypatch, fleet, handler, when)
    only_free("AMB01")
    incident_id = open_incident(client, fleet, near("AMB01"), symptoms=["stroke_signs"])
    drive(client, fleet, incident_id, upto)
    assert_flagged_after(fleet, incident_id, state, 5, failed)


def test_a_failing_wait_for_a_unit_flags_the_incident(fleet: Any, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    only_free()  # nothing free: the incident waits for a unit
    failed = inject(monkeypatch, fleet, "await_unit", lambda e: True)
    incident_id = open_incident(client, fleet, near("AMB01"))
    assert_flagged_after(fleet, incident_id, "AwaitUnit", 5, failed)


def test_a_failing_escalation_flags_the_incident(fleet: Any, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setenv("EMS_ESCALATE_AFTER_S", "5")
    root.reset()
    only_free()  # nothing free: the wait times out and escalates to the city
    failed = inject(monkeypatch, fleet, "dispatch_incident", lambda e: bool(e.get("escalate")))
    incident_id = open_incident(client, fleet, near("AMB01"))
    assert_flagged_after(fleet, incident_id, "Escalate", 5, failed)


def test_a_failing_check_of_a_lapsed_offer_flags_the_incident(
    fleet: Any, client: Any, his: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core.root import reset

    monkeypatch.setenv("EMS_BOOKING_ANSWER_S", "15")
    reset()  # bookings read their settings afresh
    failed = inject(monkeypatch, fleet, "booking_state", lambda e: not e.get("offer"))
    only_free("AMB01")
    incident_id = open_incident(client, fleet, near("AMB01"), symptoms=["stroke_signs"])
    drive(client, fleet, incident_id, "assessed")  # nobody answers the offer
    assert_flagged_after(fleet, incident_id, "CheckBooking", 5, failed)


def test_volunteers_not_alerted_never_holds_up_dispatch(
    fleet: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = inject(monkeypatch, fleet, "alert_responders", lambda e: True)
    only_free("AMB01")
    incident_id = open_incident(client, fleet, near("AMB01"), symptoms=["cardiac_arrest"])
    until(lambda: "AwaitOnScene" in entered(history(fleet, incident_id)), "the job on its way")
    names = entered(history(fleet, incident_id))
    assert "VolunteersNotAlerted" in names and names.index("VolunteersNotAlerted") < names.index("Routed")
    assert len(failed) == 3  # MaxAttempts 2: two retries
    routed = next(e for e in history(fleet, incident_id) if entered([e]) == ["Routed"])
    assert json.loads(routed["stateEnteredEventDetails"]["input"])["dispatch"]["outcome"] == "assigned"


def test_failing_first_alert_round_tells_the_desk_and_fails_the_rounds_alone(
    fleet: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.volunteers.test_volunteers_api import execution

    def rounds_status() -> str | None:
        try:
            return execution(fleet, incident_id)
        except Exception:  # not started yet
            return None

    failed = inject(monkeypatch, fleet, "volunteer_round", lambda e: bool(e.get("first")))
    only_free("AMB01")
    incident_id = open_incident(client, fleet, near("AMB01"), symptoms=["cardiac_arrest"])
    until(lambda: rounds_status() == "FAILED", "the alert rounds failing", 60)
    arn = fleet.machines["first_response"].replace(":stateMachine:", ":execution:") + f":{incident_id}"
    from chalicelib.core.aws import client as aws

    events = aws("stepfunctions").get_execution_history(executionArn=arn)["events"]
    assert entered(events) == ["FirstRound", "TellDesk", "AlertingFailed"] and len(failed) == 5
    assert ("volunteer_round", True) in fleet.adapter.invocations  # TellDesk reached the handler
    assert test_dispatch_api.settled(client, fleet, incident_id)["status"] == "assigned"  # dispatch unaffected
