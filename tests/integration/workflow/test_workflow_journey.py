"""The call-to-admission workflow carries an incident from the call to admission, run by moto's Step
Functions interpreter on the real ASL: each wait is completed by the API call a person makes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.tables import bound
from tests.integration.bookings import test_bookings_api
from tests.integration.dispatch import test_dispatch_api
from tests.integration.dispatch.test_dispatch_api import (
    execution_status,
    near,
    only_free,
    open_incident,
    parked,
    post,
    settled,
    until,
)

fleet = test_dispatch_api.fleet
his = test_bookings_api.his


def bookings(client: Any, crew: dict[str, str], incident_id: str) -> list[dict[str, Any]]:
    return list(client.http.get(f"/v1/incidents/{incident_id}/bookings", headers=crew).json_body["bookings"])


def assessed_stroke(client: Any, fleet: Any) -> tuple[str, dict[str, str]]:
    """Given a stroke patient within the thrombolysis window, assessed on scene by AMB01's crew, with
    the booking answer shortened (EMS_BOOKING_ANSWER_S set by the caller): the incident and the crew."""
    only_free("AMB01")
    incident_id = open_incident(client, fleet, near("AMB01"), symptoms=["stroke_signs"])
    settled(client, fleet, incident_id)
    crew = fleet.token("crew", "unit:AMB01")
    for status in ("en_route", "on_scene"):
        assert post(client, crew, "/v1/units/AMB01/status", {"status": status}).status_code == 200
    onset = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    body = {"findings": {"be_fast": True, "lams": 5, "last_known_well": onset}}
    assert post(client, crew, f"/v1/incidents/{incident_id}/assessments", body).status_code == 201
    return incident_id, crew


def test_from_the_call_to_admission_with_a_decline_on_the_way(fleet: Any, client: Any, his: Any) -> None:
    from chalicelib.timeline.dal import IncidentKpiRecord

    only_free("AMB01")
    incident_id = open_incident(client, fleet, near("AMB01"), symptoms=["stroke_signs"])
    assert settled(client, fleet, incident_id)["status"] == "assigned"
    until(lambda: parked(incident_id) == ["on_scene"], "the wait for the unit on scene")
    crew = fleet.token("crew", "unit:AMB01")
    for status in ("en_route", "on_scene"):
        assert post(client, crew, "/v1/units/AMB01/status", {"status": status}).status_code == 200
    until(lambda: parked(incident_id) == ["assessed"], "the wait for the assessment")

    onset = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    body = {"findings": {"be_fast": True, "lams": 5, "last_known_well": onset}}
    assert post(client, crew, f"/v1/incidents/{incident_id}/assessments", body).status_code == 201
    # The workflow offers the patient to the top thrombectomy centre itself, and waits for an answer.
    until(lambda: parked(incident_id) == ["accepted"], "the wait for a hospital's acceptance")
    [offer] = bookings(client, crew, incident_id)
    assert offer["status"] == "offered" and offer["hospital_id"] in ("HOS01", "HOS02")
    first = fleet.token("hospital", f"hospital:{offer['hospital_id']}")
    declined = post(client, first, f"/v1/bookings/{offer['booking_id']}/decline", {"reason": "no_capacity"})
    nxt = declined.json_body["next_booking_id"]
    assert parked(incident_id) == ["accepted"]  # still waiting: for the next hospital now
    second = next(b for b in bookings(client, crew, incident_id) if b["booking_id"] == nxt)
    ed = fleet.token("hospital", f"hospital:{second['hospital_id']}")
    assert post(client, ed, f"/v1/bookings/{nxt}/accept", {}).status_code == 200
    until(lambda: parked(incident_id) == ["at_hospital"], "the wait for the arrival")

    to = {"status": "transporting", "destination_id": second["hospital_id"]}
    assert post(client, crew, "/v1/units/AMB01/status", to).status_code == 200
    assert post(client, crew, "/v1/units/AMB01/status", {"status": "at_hospital"}).status_code == 200
    until(lambda: parked(incident_id) == ["handed_over"], "the wait for the handover")
    assert post(client, crew, f"/v1/incidents/{incident_id}/handover", {}).status_code == 201
    until(lambda: execution_status(fleet, incident_id) == "SUCCEEDED", "the execution to end admitted")
    kpis = bound(IncidentKpiRecord).get(incident_id)
    assert kpis.pathway == "stroke" and {"call_to_dispatch", "response", "on_scene"} <= set(kpis.intervals)


def test_no_answer_in_time_moves_the_offer_on(
    fleet: Any, client: Any, his: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core.root import reset

    monkeypatch.setenv("EMS_BOOKING_ANSWER_S", "15")
    reset()  # bookings read their settings afresh
    incident_id, crew = assessed_stroke(client, fleet)
    until(lambda: len(bookings(client, crew, incident_id)) == 1, "the first offer")
    # Nobody answers: at the offer's time the workflow expires it and offers the next centre.
    statuses = until(
        lambda: [b["status"] for b in bookings(client, crew, incident_id)] == ["expired", "offered"], "the move on", 45
    )
    assert statuses and parked(incident_id) == ["accepted"]
    # The crew stands the job down (the patient refused transport): the workflow closes, no alarm.
    for status in ("available",):
        assert post(client, crew, "/v1/units/AMB01/status", {"status": status}).status_code == 200
    until(lambda: execution_status(fleet, incident_id) == "SUCCEEDED", "the execution to close")
