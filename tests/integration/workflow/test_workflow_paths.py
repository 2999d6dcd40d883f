"""Branches of the call-to-admission workflow the journey tests do not take: a booking accepted before
the workflow offers one, and a job ending early on the way to or at the hospital."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.bookings import test_bookings_api
from tests.integration.dispatch import test_dispatch_api
from tests.integration.dispatch.test_dispatch_api import execution_status, near, only_free, open_incident, post, until
from tests.integration.workflow.test_workflow_journey import bookings
from tests.integration.workflow.test_workflow_needs_dispatcher import entered, history

fleet = test_dispatch_api.fleet
his = test_bookings_api.his
STROKE = {"findings": {"be_fast": True, "lams": 5}}


def assessed(client: Any, env: Any) -> tuple[str, dict[str, str]]:
    only_free("AMB01")
    incident_id = open_incident(client, env, near("AMB01"), symptoms=["stroke_signs"])
    assert test_dispatch_api.settled(client, env, incident_id)["status"] == "assigned"
    crew = env.token("crew", "unit:AMB01")
    for status in ("en_route", "on_scene"):
        assert post(client, crew, "/v1/units/AMB01/status", {"status": status}).status_code == 200
    onset = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    body = {"findings": {**STROKE["findings"], "last_known_well": onset}}
    assert post(client, crew, f"/v1/incidents/{incident_id}/assessments", body).status_code == 201
    return incident_id, crew


def accepted(client: Any, env: Any, incident_id: str, crew: dict[str, str]) -> str:
    [offer] = until(lambda: bookings(client, crew, incident_id), "the workflow's offer")
    ed = env.token("hospital", f"hospital:{offer['hospital_id']}")
    assert post(client, ed, f"/v1/bookings/{offer['booking_id']}/accept", {}).status_code == 200
    until(lambda: test_dispatch_api.parked(incident_id) == ["at_hospital"], "the wait for the arrival")
    return str(offer["hospital_id"])


def test_a_booking_accepted_before_the_offer_goes_straight_to_the_arrival(
    fleet: Any, client: Any, his: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the workflow slow to offer (OfferHospital waits a moment before asking where the admission stands)
    original = fleet.adapter.handlers["booking_state"]
    crew = fleet.token("crew", "unit:AMB01")
    booked: dict[str, Any] = {}

    def offer_after_the_crew(event: dict[str, Any], context: Any) -> Any:
        if event.get("offer") and not booked:
            incident_id = event["incident_id"]
            # When the crew books a hospital themselves and it accepts first
            made = post(test_client[0], crew, f"/v1/incidents/{incident_id}/bookings", {})
            assert made.status_code == 201, made.body
            ed = fleet.token("hospital", f"hospital:{made.json_body['hospital_id']}")
            assert (
                post(test_client[0], ed, f"/v1/bookings/{made.json_body['booking_id']}/accept", {}).status_code == 200
            )
            booked.update(made.json_body)
        return original(event, context)

    test_client = [client]
    monkeypatch.setitem(fleet.adapter.handlers, "booking_state", offer_after_the_crew)
    incident_id, _ = assessed(client, fleet)
    # Then the workflow finds the admission accepted and waits for the arrival, without an offer of its own
    until(lambda: test_dispatch_api.parked(incident_id) == ["at_hospital"], "the wait for the arrival")
    names = entered(history(fleet, incident_id))
    assert names[names.index("BookingState") + 1] == "AwaitArrival" and "AwaitAcceptance" not in names
    assert [b["booking_id"] for b in bookings(client, crew, incident_id)] == [booked["booking_id"]]


@pytest.mark.parametrize("where", ["on_scene", "at_hospital"])
def test_a_job_ending_before_the_arrival_or_the_handover_closes_the_execution(
    where: str, fleet: Any, client: Any, his: Any
) -> None:
    incident_id, crew = assessed(client, fleet)
    hospital_id = accepted(client, fleet, incident_id, crew)
    if where == "at_hospital":
        to = {"status": "transporting", "destination_id": hospital_id}
        assert post(client, crew, "/v1/units/AMB01/status", to).status_code == 200
        assert post(client, crew, "/v1/units/AMB01/status", {"status": "at_hospital"}).status_code == 200
        until(lambda: test_dispatch_api.parked(incident_id) == ["handed_over"], "the wait for the handover")
    # Released on scene after all, or back in service without a handover: nothing more to wait for
    assert post(client, crew, "/v1/units/AMB01/status", {"status": "available"}).status_code == 200
    until(lambda: execution_status(fleet, incident_id) == "SUCCEEDED", "the execution to close")
    names = entered(history(fleet, incident_id))
    wait = "AwaitArrivalOpen" if where == "on_scene" else "AwaitHandoverOpen"
    assert names[-2:] == [wait, "Closed"], names
