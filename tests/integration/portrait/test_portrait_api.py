"""The health portrait over the API against moto: drawn from the assessment, the monitor and the archive;
read only by those the access rule allows, or by breaking the glass; every access on the audit trail."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from chalicelib.core.tables import bound
from chalicelib.incidents.dal import IncidentRecord
from chalicelib.portrait.svg import FILL
from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import assign
from tests.unit.archive.test_archive import ID_NUMBER, resident_bundle

fleet = test_fleet_api.fleet  # the seeded-fleet fixture
SVG = "{http://www.w3.org/2000/svg}"


def post(client: Any, path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.http.post(path, headers={**headers, "Content-Type": "application/json"}, body=json.dumps(body))


def stroke_on_warfarin(client: Any, fleet: Any, unit_id: str, incident_id: str) -> dict[str, str]:
    """The crew identifies an archived patient and triages a large-vessel stroke; returns its token."""
    assert post(client, "/v1/archive/bundles", fleet.token("admin"), resident_bundle()).status_code == 201
    assign(unit_id, incident_id)
    crew = fleet.token("crew", f"unit:{unit_id}")
    assert post(client, f"/v1/incidents/{incident_id}/patient", crew, {"id_number": ID_NUMBER}).json_body["matched"]
    lkw = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    findings = {"be_fast": {"face": True, "arm": True}, "lams": 5, "last_known_well": lkw}
    body = {"vitals": {"hr": 92, "sbp": 176, "spo2": 96}, "findings": findings}
    assert post(client, f"/v1/incidents/{incident_id}/assessments", crew, body).status_code == 201
    return crew


def audit_of(client: Any, fleet: Any, incident_id: str) -> list[dict[str, Any]]:
    subject = quote(f"incident:{incident_id}", safe="")
    resp = client.http.get(f"/v1/audit?subject={subject}&limit=100", headers=fleet.token("admin"))
    assert resp.status_code == 200, resp.body
    return list(reversed(resp.json_body["events"]))


def test_the_crew_sees_the_stroke_the_history_and_the_flags(fleet: Any, client: Any) -> None:
    crew = stroke_on_warfarin(client, fleet, "AMB01", "INC-POR")
    resp = client.http.get("/v1/incidents/INC-POR/portrait", headers=crew)
    assert resp.status_code == 200, resp.body
    p = resp.json_body
    regions = {r["region"]: r for r in p["regions"]}
    assert (p["level"], p["pathway"]) == (2, "stroke")
    assert regions["head"]["colour"] == "red"
    assert regions["chest"]["colour"] == "orange"  # atrial fibrillation on record
    assert regions["chest"]["reasons"][0]["source"] == "history"
    assert [a["substance"] for a in p["flags"]["drug_allergies"]] == ["Penicillin"]
    assert p["flags"]["anticoagulants"] == ["华法林钠片"]
    assert p["patient"]["identified"] and p["patient"]["name"] == "张伟"
    assert ID_NUMBER not in resp.body.decode() if isinstance(resp.body, bytes) else ID_NUMBER not in resp.body

    picture = client.http.get("/v1/incidents/INC-POR/portrait.svg", headers=crew)
    assert picture.status_code == 200
    assert picture.headers["Content-Type"].startswith("image/svg+xml")
    assert picture.headers["Cache-Control"] == "no-store"
    root = ET.fromstring(picture.body)  # noqa: S314 (our own output)
    fills = {g.get("id"): g.get("fill") for g in root.iter(f"{SVG}g")}
    assert fills["region-head"] == FILL["red"] and fills["region-chest"] == FILL["orange"]
    assert fills["region-legs"] == FILL["green"]

    trail = [(e["action"], e["basis"], e["reason"]) for e in audit_of(client, fleet, "INC-POR")]
    assert trail[:4] == [
        ("patient.identify", "assigned_crew", "by id_number: matched"),
        ("assessment.create", "assigned_crew", "level 2"),
        ("portrait.read", "assigned_crew", None),
        ("portrait.read", "assigned_crew", "body map"),
    ]


def test_those_outside_the_rule_are_refused_and_the_refusals_are_audited(fleet: Any, client: Any) -> None:
    assign("AMB05", "INC-DENY")
    county = bound(IncidentRecord).get("INC-DENY").county
    other_county = "350681" if county != "350681" else "350602"
    cases = [
        (fleet.token("crew", "unit:AMB06"), 403, "not_assigned"),
        (fleet.token("hospital", "hospital:HOS02"), 403, "not_destination"),
        (fleet.token("dispatcher", f"county:{other_county}"), 404, "incident_not_found"),  # as if missing
        (fleet.token("volunteer", "volunteer:V1"), 403, "role_denied"),
        (fleet.token("admin"), 403, "role_denied"),
    ]
    for headers, status, code in cases:
        resp = client.http.get("/v1/incidents/INC-DENY/portrait", headers=headers)
        assert (resp.status_code, resp.json_body["error"]["code"]) == (status, code), resp.body
    assert client.http.get("/v1/incidents/INC-DENY/portrait").status_code == 401
    ok = client.http.get("/v1/incidents/INC-DENY/portrait", headers=fleet.token("dispatcher", f"county:{county}"))
    assert ok.status_code == 200 and ok.json_body["level"] is None  # nothing assessed yet: said, not guessed
    denied = [(e["action"], e["reason"]) for e in audit_of(client, fleet, "INC-DENY") if e["action"].endswith("denied")]
    assert denied == [
        ("portrait.read.denied", "not_assigned"),
        ("portrait.read.denied", "not_destination"),
        ("portrait.read.denied", "scope_denied"),  # the trail keeps what the answer hides
        ("portrait.read.denied", "role_denied"),
        ("portrait.read.denied", "role_denied"),
    ]  # the role-refused never reach the record, yet are on the trail


def test_breaking_the_glass_is_reasoned_time_boxed_alerted_and_audited(fleet: Any, client: Any) -> None:
    stroke_on_warfarin(client, fleet, "AMB07", "INC-GLASS")
    doctor = fleet.token("hospital", "hospital:HOS03")
    assert client.http.get("/v1/incidents/INC-GLASS/portrait", headers=doctor).status_code == 403

    short = post(client, "/v1/incidents/INC-GLASS/break-glass", doctor, {"reason": "need"})
    assert short.status_code == 422 and short.json_body["error"]["details"][0]["field"] == "reason"
    long = post(client, "/v1/incidents/INC-GLASS/break-glass", doctor, {"reason": "x" * 20, "minutes": 600})
    assert long.status_code == 422 and long.json_body["error"]["details"][0]["field"] == "minutes"
    crew = fleet.token("crew", "unit:AMB07")
    needless = post(client, "/v1/incidents/INC-GLASS/break-glass", crew, {"reason": "just to be sure of it"})
    assert (needless.status_code, needless.json_body["error"]["code"]) == (409, "access_not_needed")

    reason = "patient arrived by private car at our ED"
    resp = post(client, "/v1/incidents/INC-GLASS/break-glass", doctor, {"reason": reason, "minutes": 15})
    assert resp.status_code == 201, resp.body
    granted = resp.json_body
    expires = datetime.fromisoformat(granted["expires_at"])
    assert timedelta(minutes=14) < expires - datetime.now(UTC) <= timedelta(minutes=15)

    p = client.http.get("/v1/incidents/INC-GLASS/portrait", headers=doctor)
    assert p.status_code == 200 and p.json_body["pathway"] == "stroke"
    vitals = client.http.get("/v1/incidents/INC-GLASS/vitals", headers=doctor)
    assert vitals.status_code == 200  # the same grant opens every kind of health data of the incident
    county = bound(IncidentRecord).get("INC-GLASS").county
    alerts = [(t, m) for t, m in fleet.publisher.sent if m.get("type") == "break_glass"]
    assert alerts == [(f"ems/dispatch/{county}/alerts", alerts[0][1])]
    assert alerts[0][1]["reason"] == reason and alerts[0][1]["incident_id"] == "INC-GLASS"

    trail = [(e["action"], e["basis"], e["reason"]) for e in audit_of(client, fleet, "INC-GLASS")]
    assert [t for t in trail if t[1] == "break_glass"] == [
        ("access.break_glass", "break_glass", reason),
        ("portrait.read", "break_glass", reason),
        ("vitals.read", "break_glass", reason),
    ]


def test_critical_monitor_readings_redden_the_chest_and_keep_the_crews_findings(fleet: Any, client: Any) -> None:
    from tests.integration.telemetry.test_telemetry_ingest import run, sqs_record, vitals

    crew = stroke_on_warfarin(client, fleet, "AMB11", "INC-MON")
    at = datetime.now(UTC) + timedelta(seconds=5)
    reading = vitals("AMB11", 1, at, incident_id="INC-MON", spo2=76, hr=132, sbp=92, rr=28)
    run(fleet, [sqs_record("ems/units/AMB11/vitals", reading)])  # re-triages the patient: level 1
    p = client.http.get("/v1/incidents/INC-MON/portrait", headers=crew).json_body
    regions = {r["region"]: r for r in p["regions"]}
    assert p["level"] == 1 and p["pathway"] == "stroke"  # the monitor's own assessment has no findings
    assert regions["head"]["colour"] == "red"  # still the stroke the crew found
    assert regions["chest"]["colour"] == "red"
    assert {(r["source"], r["rule"]) for r in regions["chest"]["reasons"]} >= {("monitor", "spo2.lt_80")}
    assert p["sources"]["monitor_at"] is not None and p["news2"] is not None and p["news2"] >= 7
