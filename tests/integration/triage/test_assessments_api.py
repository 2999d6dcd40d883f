"""Assessments over the API against moto: who may triage, what comes back, what is kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.core.tables import bound
from chalicelib.incidents.dal import IncidentRecord
from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import assign

fleet = test_fleet_api.fleet  # the seeded-fleet fixture


def assess(client: Any, headers: dict[str, str], incident_id: str, body: dict[str, Any]) -> Any:
    return client.http.post(
        f"/v1/incidents/{incident_id}/assessments",
        headers={**headers, "Content-Type": "application/json"},
        body=json.dumps(body),
    )


def test_the_crew_triages_a_stroke_and_the_incident_and_history_follow(fleet: Any, client: Any) -> None:
    assign("AMB01", "INC-TRI")
    crew = fleet.token("crew", "unit:AMB01")
    last_known_well = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    body = {
        "vitals": {"hr": 88, "sbp": 172, "spo2": 97, "rr": 18, "consciousness": "alert"},
        "findings": {
            "be_fast": {"face": True, "arm": True, "speech": True},
            "lams": 4,
            "last_known_well": last_known_well,
        },
    }
    resp = assess(client, crew, "INC-TRI", body)
    assert resp.status_code == 201, resp.body
    got = resp.json_body
    assert got["pathway"] == "stroke" and got["level"] <= 2
    assert {"stroke_thrombolysis", "stroke_thrombectomy"} <= set(got["required_capabilities"])
    assert got["label"]["zh"] and got["label"]["en"] and got["colour"] in ("red", "orange")
    assert got["news2"]["total"] >= 0 and got["reasons"]
    incident = bound(IncidentRecord).get("INC-TRI")
    assert incident.triage_level == got["level"] and incident.pathway == "stroke"
    history = client.http.get("/v1/incidents/INC-TRI/assessments", headers=crew).json_body
    assert history["count"] == 1 and history["assessments"][0]["assessment_id"] == got["assessment_id"]


def test_impossible_values_are_refused_with_the_field_named(fleet: Any, client: Any) -> None:
    assign("AMB02", "INC-BAD")
    crew = fleet.token("crew", "unit:AMB02")
    for field, value in (("spo2", 140), ("hr", -5)):
        resp = assess(client, crew, "INC-BAD", {"vitals": {field: value}})
        assert resp.status_code == 422, resp.body
        assert resp.json_body["error"]["details"][0]["field"] == f"vitals.{field}"


def test_only_the_crew_on_the_job_or_the_county_desk_may_triage(fleet: Any, client: Any) -> None:
    assign("AMB05", "INC-WHO")
    body: dict[str, Any] = {"findings": {"chest_pain": True}}
    assert assess(client, fleet.token("crew", "unit:AMB06"), "INC-WHO", body).json_body["error"]["code"] == (
        "not_assigned"
    )
    assert assess(client, fleet.token("hospital", "hospital:HOS01"), "INC-WHO", body).status_code == 403
    county = bound(IncidentRecord).get("INC-WHO").county
    assert assess(client, fleet.token("dispatcher", f"county:{county}"), "INC-WHO", body).status_code == 201
