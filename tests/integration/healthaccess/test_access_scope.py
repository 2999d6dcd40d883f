"""Another county's incident answers exactly as a missing one on every incident-scoped route.

Given an incident of one county, when a dispatcher of another county calls any route under
/v1/incidents/{incident_id} for it and for an id that does not exist, then both answers are the same
404 `incident_not_found` with the same message, and only the trail tells them apart (`scope_denied`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import assign
from tests.unit.archive.test_archive import ID_NUMBER

fleet = test_fleet_api.fleet  # the seeded-fleet fixture

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/incidents/{incident_id}/patient"): {"id_number": ID_NUMBER},
    ("POST", "/v1/incidents/{incident_id}/bookings"): {},
    ("POST", "/v1/incidents/{incident_id}/consultations"): {"specialties": ["neurology"]},
    ("POST", "/v1/incidents/{incident_id}/cpr/progress"): {"event": "rosc"},
    ("POST", "/v1/incidents/{incident_id}/assign"): {"unit_id": "AMB02"},
    ("POST", "/v1/incidents/{incident_id}/cancel"): {"reason": "duplicate call"},
    ("POST", "/v1/incidents/{incident_id}/assessments"): {"findings": {"be_fast": True}},
    ("PUT", "/v1/incidents/{incident_id}/scene-safety"): {"unsafe": True},
}
# Breaking the glass is the one way in for someone outside the rule: reasoned, alerted, reviewed.
NOT_PROBES = {("POST", "/v1/incidents/{incident_id}/break-glass")}


def incident_routes() -> list[tuple[str, str]]:
    import app  # noqa: F401  (declares the routes)
    from chalicelib.core import http
    from chalicelib.core.auth import Role

    return [
        (s.method, s.path)
        for s in http.ROUTES
        if s.path.startswith("/v1/incidents/{incident_id}") and s.roles and Role.DISPATCHER in s.roles
        and (s.method, s.path) not in NOT_PROBES
    ]  # fmt: skip


def denied_rows(client: Any, fleet: Any, actor: str) -> list[dict[str, Any]]:
    subject = quote("incident:INC-SC", safe="")
    resp = client.http.get(f"/v1/audit?subject={subject}&limit=200", headers=fleet.token("admin"))
    return [e for e in resp.json_body["events"] if e["actor"] == actor and e["action"].endswith(".denied")]


def test_another_countys_incident_and_a_missing_one_answer_alike_everywhere(fleet: Any, client: Any) -> None:
    assign("AMB01", "INC-SC")  # county 350602
    actor = "desk-elsewhere"
    elsewhere = {**fleet.token("dispatcher", "county:350681", subject=actor), "Content-Type": "application/json"}
    routes = incident_routes()
    assert len(routes) > 15  # the health routes and the desk's own
    for method, path in routes:
        body = BODIES.get((method, path))
        if method in ("POST", "PUT") and (method, path) not in BODIES and "join" not in path:
            raise AssertionError(f"give {method} {path} a valid body")
        data = json.dumps(body) if body is not None else b""
        before = len(denied_rows(client, fleet, actor))
        theirs = client.http.request(method, path.format(incident_id="INC-SC"), headers=elsewhere, body=data)
        missing = client.http.request(method, path.format(incident_id="INC-NONE"), headers=elsewhere, body=data)
        assert (theirs.status_code, theirs.json_body) == (missing.status_code, missing.json_body), (method, path)
        assert theirs.status_code == 404, (method, path, theirs.body)
        assert theirs.json_body == {"error": {"code": "incident_not_found", "message": "no such incident"}}
        rows = denied_rows(client, fleet, actor)
        assert len(rows) == before + 1 and rows[0]["reason"] == "scope_denied", (method, path, rows[:2])


def test_the_incidents_own_desk_and_the_city_desk_still_see_it(fleet: Any, client: Any) -> None:
    assign("AMB01", "INC-SC")
    for desk in (fleet.token("dispatcher", "county:350602"), fleet.token("dispatcher")):
        assert client.http.get("/v1/incidents/INC-SC", headers=desk).status_code == 200
        assert client.http.get("/v1/incidents/INC-SC/portrait", headers=desk).status_code == 200
    missing = client.http.get("/v1/incidents/INC-NONE/portrait", headers=fleet.token("dispatcher", "county:350602"))
    assert (missing.status_code, missing.json_body["error"]["code"]) == (404, "incident_not_found")
