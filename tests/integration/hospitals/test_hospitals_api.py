"""Hospitals over the API against moto: the registry with live capacity, and an incident's options."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import assign

fleet = test_fleet_api.fleet  # the seeded-fleet fixture


def put_capacity(client: Any, headers: dict[str, str], hospital_id: str, body: dict[str, Any]) -> Any:
    path = f"/v1/hospitals/{hospital_id}/capacity"
    return client.http.put(path, headers={**headers, "Content-Type": "application/json"}, body=json.dumps(body))


def assess(client: Any, headers: dict[str, str], incident_id: str, findings: dict[str, Any]) -> None:
    resp = client.http.post(f"/v1/incidents/{incident_id}/assessments", body=json.dumps({"findings": findings}),
                            headers={**headers, "Content-Type": "application/json"})  # fmt: skip
    assert resp.status_code == 201, resp.body


def test_a_hospital_reports_its_own_capacity_only_and_everyone_sees_it_with_its_age(fleet: Any, client: Any) -> None:
    ed = fleet.token("hospital", "hospital:HOS01")
    body = {"ed_beds": 4, "icu_beds": 1, "ct_available": True, "cath_lab": "ready"}
    assert put_capacity(client, ed, "HOS02", body).json_body["error"]["code"] == "scope_denied"
    bad = put_capacity(client, ed, "HOS01", {**body, "ed_beds": -1})
    assert bad.status_code == 422 and bad.json_body["error"]["details"][0]["field"] == "ed_beds"
    resp = put_capacity(client, ed, "HOS01", body)
    assert resp.status_code == 200, resp.body
    assert resp.json_body["stale"] is False and resp.json_body["age_s"] == 0

    listed = client.http.get("/v1/hospitals?capability=stroke_thrombectomy", headers=fleet.token("dispatcher"))
    hospitals = {h["hospital_id"]: h for h in listed.json_body["hospitals"]}
    assert set(hospitals) == {"HOS01", "HOS02"}
    assert hospitals["HOS01"]["capacity"]["ed_beds"] == 4 and hospitals["HOS02"]["capacity"] is None
    assert client.http.get("/v1/hospitals", headers=fleet.token("dispatcher")).json_body["count"] == 17


def test_a_large_vessel_stroke_is_routed_past_the_nearer_hospital_without_thrombectomy(fleet: Any, client: Any) -> None:
    assign("AMB01", "INC-LVO")
    crew = fleet.token("crew", "unit:AMB01")
    # The unit is at the scene, beside the TCM hospital (thrombolysis only) in the city centre.
    fix = {"lat": 24.5165, "lon": 117.6562, "at": datetime.now(UTC).isoformat()}
    moved = client.http.post("/v1/units/AMB01/position", body=json.dumps(fix),
                             headers={**crew, "Content-Type": "application/json"})  # fmt: skip
    assert moved.json_body["accepted"], moved.body
    onset = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    assess(client, crew, "INC-LVO", {"be_fast": True, "lams": 5, "last_known_well": onset})
    resp = client.http.get("/v1/incidents/INC-LVO/hospital-options", headers=crew)
    assert resp.status_code == 200, resp.body
    got = resp.json_body
    assert got["pathway"] == "stroke" and "stroke_thrombectomy" in got["required_capabilities"]
    assert got["origin"]["source"] == "unit" and got["origin"]["unit_id"] == "AMB01"
    assert {o["hospital_id"] for o in got["options"]} <= {"HOS01", "HOS02"} and got["options"][0]["rank"] == 1
    skipped = {s["hospital_id"]: s for s in got["skipped"]}
    assert "stroke_thrombectomy" in skipped["HOS04"]["missing"] and "nearer" in skipped["HOS04"]["reason"]
    assert all(s["eta_s"] < got["options"][0]["eta_s"] for s in got["skipped"])

    other = client.http.get("/v1/incidents/INC-LVO/hospital-options", headers=fleet.token("crew", "unit:AMB02"))
    assert other.json_body["error"]["code"] == "not_assigned"
