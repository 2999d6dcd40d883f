"""Health archive over the API against moto: import by an admin, identification by the crew on the job."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from chalicelib.archive.dal import HealthRecord
from chalicelib.core.tables import bound
from chalicelib.incidents.dal import IncidentRecord
from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import assign
from tests.unit.archive.test_archive import ID_NUMBER, resident_bundle

fleet = test_fleet_api.fleet  # the seeded-fleet fixture


def post(client: Any, path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.http.post(path, headers={**headers, "Content-Type": "application/json"}, body=json.dumps(body))


def identify(client: Any, headers: dict[str, str], incident_id: str, body: dict[str, Any]) -> Any:
    return post(client, f"/v1/incidents/{incident_id}/patient", headers, body)


def test_an_admin_imports_a_bundle_and_only_hashes_and_the_summary_are_kept(fleet: Any, client: Any) -> None:
    assert post(client, "/v1/archive/bundles", fleet.token("crew", "unit:AMB01"), resident_bundle()).status_code == 403
    resp = post(client, "/v1/archive/bundles", fleet.token("admin"), resident_bundle())
    assert resp.status_code == 201, resp.body
    got = resp.json_body
    assert got["lookups"] == ["id_number", "phone"] and got["anticoagulated"] is True
    assert got["counts"] == {"conditions": 1, "allergies": 1, "medications": 2, "observations": 1}
    stored = json.dumps([r.to_dynamodb_dict() for r in bound(HealthRecord).scan()], ensure_ascii=False)
    assert ID_NUMBER not in stored and "13800138000" not in stored and "MRN-7" not in stored
    subject = quote(f"health_record:{got['person_key']}", safe="")
    audit = client.http.get(f"/v1/audit?subject={subject}", headers=fleet.token("admin"))
    assert "archive.import" in [e["action"] for e in audit.json_body["events"]], audit.body


def test_an_invalid_bundle_is_refused_with_the_entry_and_field(fleet: Any, client: Any) -> None:
    bundle = resident_bundle()
    bundle["entry"][1]["resource"]["clinicalStatus"] = "active"
    resp = post(client, "/v1/archive/bundles", fleet.token("admin"), bundle)
    assert resp.status_code == 422, resp.body
    error = resp.json_body["error"]
    assert error["code"] == "invalid_resource"
    assert error["details"][0]["entry"] == 1 and error["details"][0]["field"] == "entry.1.resource.clinicalStatus"


def test_the_assigned_crew_identifies_the_patient_and_the_incident_is_linked(fleet: Any, client: Any) -> None:
    imported = post(client, "/v1/archive/bundles", fleet.token("admin"), resident_bundle()).json_body
    assign("AMB01", "INC-PAT")
    crew = fleet.token("crew", "unit:AMB01")
    resp = identify(client, crew, "INC-PAT", {"id_number": ID_NUMBER})
    assert resp.status_code == 200, resp.body
    got = resp.json_body
    assert got["matched"] is True and got["summary"]["anticoagulated"] is True
    assert got["summary"]["allergies"][0]["substance"] == "Penicillin"
    assert ID_NUMBER not in json.dumps(got)
    assert bound(IncidentRecord).get("INC-PAT").patient_key == imported["person_key"]
    by_phone = {"phone": "138 0013 8000", "family_name": "张", "birth_date": "1949-12-31"}
    again = identify(client, crew, "INC-PAT", by_phone).json_body
    assert again["matched"] is True and again["summary"]["name"] == "张伟"
    audit = client.http.get("/v1/audit?subject=incident%3AINC-PAT", headers=fleet.token("admin")).json_body
    reasons = [e["reason"] for e in audit["events"] if e["action"] == "patient.identify"]
    assert reasons == ["by phone: matched", "by id_number: matched"]  # newest first


def test_no_record_another_crew_and_a_bad_id_number(fleet: Any, client: Any) -> None:
    post(client, "/v1/archive/bundles", fleet.token("admin"), resident_bundle())
    assign("AMB02", "INC-NOPE")
    crew = fleet.token("crew", "unit:AMB02")
    miss = identify(client, crew, "INC-NOPE", {"phone": "13900000000", "family_name": "李", "birth_date": "1980-01-01"})
    assert miss.status_code == 200 and miss.json_body == {"matched": False, "reason": "no_record", "summary": None}
    assert bound(IncidentRecord).get("INC-NOPE").patient_key is None
    other = identify(client, fleet.token("crew", "unit:AMB03"), "INC-NOPE", {"id_number": ID_NUMBER})
    assert other.status_code == 403 and other.json_body["error"]["code"] == "not_assigned"
    bad = identify(client, crew, "INC-NOPE", {"id_number": "110105194912310021"})
    assert bad.status_code == 422 and bad.json_body["error"]["details"][0]["field"] == "id_number"
    assert "110105194912310021" not in json.dumps(bad.json_body)
    assert identify(client, fleet.token("admin"), "INC-NOPE", {"id_number": ID_NUMBER}).status_code == 403


def test_twins_sharing_a_phone_are_not_guessed_apart(fleet: Any, client: Any) -> None:
    admin = fleet.token("admin")
    post(client, "/v1/archive/bundles", admin, resident_bundle())
    twin = resident_bundle()
    twin["entry"][0]["resource"]["identifier"][1]["value"] = "110105194912310046"
    assert post(client, "/v1/archive/bundles", admin, twin).status_code == 201
    assign("AMB04", "INC-TWIN")
    by_phone = {"phone": "13800138000", "family_name": "张", "birth_date": "1949-12-31"}
    got = identify(client, fleet.token("crew", "unit:AMB04"), "INC-TWIN", by_phone).json_body
    assert got == {"matched": False, "reason": "ambiguous", "summary": None}
