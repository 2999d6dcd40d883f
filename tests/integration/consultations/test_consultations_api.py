"""Consultations over the API against moto, with the local video provider: the crew asks a hospital's
experts, who may see the record for the session, join as viewers and leave; the outcome closes it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.core import root
from tests.integration.bookings import test_bookings_api
from tests.integration.bookings.test_bookings_api import hospital, post, stroke_at_the_tcm_hospital
from tests.integration.fleet import test_fleet_api

fleet = test_fleet_api.fleet  # the seeded-fleet fixture
his = test_bookings_api.his  # the recording hospital system


@pytest.fixture
def local_video(fleet: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from chalicelib.core.root import reset

    monkeypatch.setenv("EMS_VIDEO_PROVIDER", "local")
    monkeypatch.setenv("EMS_MQTT_PUBLISH", "mqtt://127.0.0.1:1883")
    root.reset()
    reset()
    yield
    reset()


def test_the_crew_consults_a_hospitals_experts_on_video(fleet: Any, client: Any, his: Any, local_video: None) -> None:
    crew = stroke_at_the_tcm_hospital(client, fleet, "AMB10", "INC-CON")
    experts = hospital(fleet, "HOS07")
    assert client.http.get("/v1/incidents/INC-CON/portrait", headers=experts).status_code == 403
    body = {
        "specialties": ["neurology", "radiology"],
        "hospital_id": "HOS07",
        "question": "thrombolyse before transfer?",
    }
    resp = post(client, "/v1/incidents/INC-CON/consultations", crew, body)
    assert resp.status_code == 201, resp.body
    session = resp.json_body
    assert session["status"] == "open" and session["specialties"] == ["neurology", "radiology"]
    assert session["video"]["role"] == "master" and session["video"]["topics"]["receive"].endswith("/to-master")
    asked = [m for t, m in fleet.publisher.sent if t == "ems/hospitals/HOS07/inbound"]
    assert asked[-1]["type"] == "consultation_requested" and asked[-1]["consultation_id"] == session["consultation_id"]

    # The experts may see the record for the session, and join as viewers.
    assert client.http.get("/v1/incidents/INC-CON/portrait", headers=experts).status_code == 200
    joined = post(client, f"/v1/consultations/{session['consultation_id']}/join", experts, {})
    assert joined.status_code == 200, joined.body
    assert joined.json_body["video"]["role"] == "viewer"
    assert joined.json_body["video"]["topics"]["send"].endswith("/to-master")
    outsider = post(client, f"/v1/consultations/{session['consultation_id']}/join", hospital(fleet, "HOS09"), {})
    assert outsider.status_code == 403
    volunteer = post(client, f"/v1/consultations/{session['consultation_id']}/join", fleet.token("volunteer"), {})
    assert volunteer.json_body["error"]["code"] == "role_denied"
    assert post(client, f"/v1/consultations/{session['consultation_id']}/leave", experts, {}).status_code == 200

    closed = post(client, f"/v1/consultations/{session['consultation_id']}/close", crew,
                  {"outcome": "thrombolysis started on board; transfer to HOS01 for thrombectomy"})  # fmt: skip
    assert closed.status_code == 200 and closed.json_body["status"] == "closed" and closed.json_body["closed_at"]
    late = post(client, f"/v1/consultations/{session['consultation_id']}/join", experts, {})
    assert (late.status_code, late.json_body["error"]["code"]) == (409, "consultation_closed")

    listed = client.http.get("/v1/incidents/INC-CON/consultations", headers=crew).json_body["consultations"]
    [done] = listed
    assert [(p["role"], p["hospital_id"], p["left_at"] is not None) for p in done["participants"]] == [
        ("master", None, True),
        ("viewer", "HOS07", True),
    ]
    assert done["outcome"].startswith("thrombolysis") and done["video"] is None  # join details go to the joiner only
    trail = client.http.get("/v1/audit?subject=incident%3AINC-CON&limit=100", headers=fleet.token("admin"))
    actions = {e["action"] for e in trail.json_body["events"]}
    assert {"consultation.create", "consultation.join", "consultation.leave", "consultation.close"} <= actions
