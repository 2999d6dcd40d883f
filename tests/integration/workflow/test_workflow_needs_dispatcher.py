"""When the workflow cannot go on, the incident lands on the dispatcher's board: the paths into
FlagNeedsDispatcher that no Catch feeds carry their own error, so flagging never fails on AWS
(a missing `$.error` would be States.Runtime, which no Catch catches; devstack/strict_sfn.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.core.aws import client as aws
from chalicelib.core.tables import bound
from tests.integration.bookings import test_bookings_api
from tests.integration.dispatch import test_dispatch_api
from tests.integration.dispatch.test_dispatch_api import execution_status, near, only_free, open_incident, post, until
from tests.integration.workflow.test_workflow_journey import assessed_stroke, bookings

fleet = test_dispatch_api.fleet
his = test_bookings_api.his


def history(env: Any, incident_id: str) -> list[dict[str, Any]]:
    arn = env.machines["call_to_admission"].replace(":stateMachine:", ":execution:") + f":{incident_id}"
    return list(aws("stepfunctions").get_execution_history(executionArn=arn)["events"])


def entered(events: list[dict[str, Any]]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def flagged(env: Any, incident_id: str) -> str | None:
    """The reason on the board once the execution has ended NeedsDispatcher, else None."""
    from chalicelib.incidents.dal import IncidentRecord

    if execution_status(env, incident_id) != "FAILED":
        return None
    record = bound(IncidentRecord).get(incident_id, consistent_read=True)
    assert record.workflow == "needs_dispatcher", record.workflow
    return str(record.attention)


def assert_flagged_by_the_workflow(env: Any, incident_id: str, via: str) -> None:
    events = history(env, incident_id)
    names = entered(events)
    assert names[-3:] == [via, "FlagNeedsDispatcher", "NeedsDispatcher"], names
    [failed] = [e for e in events if e["type"] == "ExecutionFailed"]
    assert failed["executionFailedEventDetails"]["error"] == "NeedsDispatcher"  # not States.Runtime
    flag = next(e["stateEnteredEventDetails"] for e in events if entered([e]) == ["FlagNeedsDispatcher"])
    flag_input = json.loads(flag["input"])
    assert flag_input["error"]["Error"] == via
    assert ("incident_needs_dispatcher", True) in env.adapter.invocations


def test_every_hospital_declining_flags_the_incident_for_a_dispatcher(
    fleet: Any, client: Any, his: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core.root import reset

    monkeypatch.setenv("EMS_BOOKING_ANSWER_S", "15")
    reset()  # bookings read their settings afresh
    # Given a stroke patient assessed on scene, offered by the workflow to the top centre
    incident_id, crew = assessed_stroke(client, fleet)
    [offer] = until(lambda: bookings(client, crew, incident_id), "the workflow's offer")
    # When every qualified hospital declines in turn
    booking_id, declined = offer["booking_id"], 0
    while booking_id:
        hospital_id = next(
            b["hospital_id"] for b in bookings(client, crew, incident_id) if b["booking_id"] == booking_id
        )
        token = fleet.token("hospital", f"hospital:{hospital_id}")
        answer = post(client, token, f"/v1/bookings/{booking_id}/decline", {"reason": "no_capacity"})
        assert answer.status_code == 200, answer.body
        booking_id, declined = answer.json_body.get("next_booking_id"), declined + 1
    assert declined >= 2
    # Then at the open offer's time the workflow finds no hospital left and flags the incident
    reason = until(lambda: flagged(fleet, incident_id), "the incident flagged for a dispatcher", 60)
    assert reason == "NoHospitalAccepted"
    assert_flagged_by_the_workflow(fleet, incident_id, "NoHospitalAccepted")
    assert "CheckBooking" in entered(history(fleet, incident_id))


def test_a_dispatch_outcome_the_workflow_does_not_route_flags_the_incident(
    fleet: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given dispatch answering with an outcome the Choice has no branch for
    monkeypatch.setitem(fleet.adapter.handlers, "dispatch_incident", lambda event, context: {"outcome": "unknown"})
    only_free("AMB01")
    # When an incident is opened
    incident_id = open_incident(client, fleet, near("AMB01"))
    # Then the Choice's Default flags it for a dispatcher instead of failing the execution
    assert until(lambda: flagged(fleet, incident_id), "the incident flagged for a dispatcher") == "DispatchNotRouted"
    assert_flagged_by_the_workflow(fleet, incident_id, "DispatchNotRouted")
