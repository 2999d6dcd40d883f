"""Co-responders sharing their live position over the API against moto: only an agency the incident
brought along, only while it is open; the county desk sees the teams live (MQTT) and on request; the
positions go when the incident closes; responders never reach health or personal data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.core.auth import Role
from chalicelib.core.tables import bound
from chalicelib.coresponse.dal import ResponderPositionRecord
from chalicelib.incidents.dal import IncidentRecord
from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import assign

fleet = test_fleet_api.fleet  # the seeded-fleet fixture
COUNTY = "350602"
FIRE = ("responder", "agency:fire")


def open_incident(incident_id: str, *symptoms: str, status: str = "assigned", county: str = COUNTY) -> None:
    """An open incident as intake and dispatch leave it (no workflow: nothing here waits for one)."""
    now = datetime.now(UTC)
    location = {"address_code": None, "text": "芗城区胜利西路 1 号", "lat": 24.513, "lon": 117.647}
    location |= {"county": county, "confidence": "address"}
    bound(IncidentRecord)(
        incident_id, county=county, status=status, location=location, source="phone", created_at=now,
        updated_at=now, open_county=county, symptoms=set(symptoms) or None,
    ).save()  # fmt: skip


def fix(seconds_ago: float = 5, **kw: Any) -> dict[str, Any]:
    at = (datetime.now(UTC) - timedelta(seconds=seconds_ago)).isoformat()
    return {"lat": 24.514, "lon": 117.648, "accuracy_m": 8, "heading": 270, "speed": 11.2, "at": at,
            "callsign": "芗城消防 E12", **kw}  # fmt: skip


def share(client: Any, headers: dict[str, str], incident_id: str, body: dict[str, Any]) -> Any:
    return client.http.post(
        f"/v1/incidents/{incident_id}/responders/position",
        headers={**headers, "Content-Type": "application/json"},
        body=json.dumps(body),
    )


def teams(client: Any, headers: dict[str, str], incident_id: str) -> Any:
    return client.http.get(f"/v1/incidents/{incident_id}/responders", headers=headers)


def code(resp: Any) -> str:
    return str(resp.json_body["error"]["code"])


def audit_of(client: Any, env: Any, incident_id: str) -> list[dict[str, Any]]:
    subject = quote(f"incident:{incident_id}", safe="")
    resp = client.http.get(f"/v1/audit?subject={subject}&limit=100", headers=env.token("admin"))
    assert resp.status_code == 200, resp.body
    return list(reversed(resp.json_body["events"]))


def test_a_fire_engine_shares_its_position_and_the_county_desk_sees_it(aws_env: Any, client: Any) -> None:
    open_incident("INC-CA", "cardiac_arrest")  # brings fire along
    engine = aws_env.token(*FIRE, subject="fire-e12")
    first = share(client, engine, "INC-CA", fix(20))
    assert first.status_code == 200, first.body
    assert (first.json_body["accepted"], first.json_body["sharing_started"]) == (True, True)
    again = share(client, engine, "INC-CA", fix(2, lat=24.515)).json_body
    assert (again["accepted"], again["sharing_started"]) == (True, False)
    # Live on the county desk's map, over MQTT.
    desk = [p for t, p in aws_env.publisher.sent if t == f"ems/dispatch/{COUNTY}/responders"]
    assert [(p["agency"], p["callsign"], p["lat"]) for p in desk] == [
        ("fire", "芗城消防 E12", 24.514), ("fire", "芗城消防 E12", 24.515),
    ]  # fmt: skip
    # And on request: the latest fix with its age.
    resp = teams(client, aws_env.token("dispatcher", f"county:{COUNTY}"), "INC-CA")
    assert resp.status_code == 200, resp.body
    body = resp.json_body
    assert body["incident_open"] is True
    [team] = body["responders"]
    assert (team["responder_id"], team["agency"], team["lat"], team["heading"]) == ("fire-e12", "fire", 24.515, 270)
    assert 0 <= team["age_s"] < 60 and team["sharing_since"]
    # Starting to share and each read are on the trail; the positions are not.
    events = audit_of(client, aws_env, "INC-CA")
    actions = [e["action"] for e in events]
    assert actions.count("coresponse.share_started") == 1 and actions.count("coresponse.positions.read") == 1
    assert "24.51" not in json.dumps(events)


def test_a_late_fix_does_not_replace_a_newer_one(aws_env: Any, client: Any) -> None:
    open_incident("INC-LATE", "cardiac_arrest")
    engine = aws_env.token(*FIRE, subject="fire-e7")
    assert share(client, engine, "INC-LATE", fix(5)).json_body["accepted"]
    late = share(client, engine, "INC-LATE", fix(60, lat=24.6))
    assert late.status_code == 200 and late.json_body["accepted"] is False
    assert float(bound(ResponderPositionRecord).get("INC-LATE", "fire-e7").lat) == 24.514


def test_police_on_a_collision_and_fire_on_a_cardiac_arrest_each_see_their_own(aws_env: Any, client: Any) -> None:
    open_incident("INC-RTC", "trauma")  # police and fire
    open_incident("INC-CA2", "cardiac_arrest")  # fire only
    police = aws_env.token("responder", "agency:police")
    assert share(client, police, "INC-RTC", fix()).status_code == 200
    refused = share(client, police, "INC-CA2", fix())
    assert (refused.status_code, code(refused)) == (403, "agency_not_co_responding")
    red_cross = share(client, aws_env.token("responder", "agency:red_cross"), "INC-RTC", fix())
    assert (red_cross.status_code, code(red_cross)) == (403, "agency_not_co_responding")
    # An unknown incident looks exactly like someone else's.
    unknown = share(client, police, "INC-NOPE", fix())
    assert (unknown.status_code, code(unknown)) == (403, "agency_not_co_responding")


@pytest.mark.parametrize(
    ("token", "status", "error"),
    [
        (("responder", None), 403, "scope_denied"),
        (("crew", "unit:AMB01"), 403, "role_denied"),
        (("dispatcher", None), 403, "role_denied"),
        (("caller", None), 403, "role_denied"),
    ],
)
def test_who_may_share(aws_env: Any, client: Any, token: tuple[str, str | None], status: int, error: str) -> None:
    open_incident("INC-WHO", "cardiac_arrest")
    resp = share(client, aws_env.token(*token), "INC-WHO", fix())
    assert (resp.status_code, code(resp)) == (status, error)


def test_an_unknown_agency_in_a_token_is_refused(aws_env: Any, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from devstack import tokens

    open_incident("INC-ARMY", "cardiac_arrest")
    monkeypatch.setattr(tokens, "AGENCIES", (*tokens.AGENCIES, "army"))  # a token an admin could write in Cognito
    resp = share(client, aws_env.token("responder", "agency:army"), "INC-ARMY", fix())
    assert (resp.status_code, code(resp)) == (403, "scope_denied")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"lat": 90.5}, "validation_failed"),
        ({"lat": -91}, "validation_failed"),
        ({"lon": 180.01}, "validation_failed"),
        ({"lon": -181}, "validation_failed"),
        ({"accuracy_m": -1}, "validation_failed"),
        ({"heading": 360}, "validation_failed"),
        ({"heading": -5}, "validation_failed"),
        ({"speed": -0.1}, "validation_failed"),
        ({"speed": 101}, "validation_failed"),
        ({"callsign": ""}, "validation_failed"),
        ({"callsign": "x" * 33}, "validation_failed"),
        ({"callsign": "<script>"}, "validation_failed"),
        ({"callsign": None}, "validation_failed"),
        ({"at": "2026-06-01T03:00:00"}, "validation_failed"),  # no time zone
        ({"at": "yesterday"}, "validation_failed"),
        ({"patient": "张伟"}, "validation_failed"),  # unknown fields are refused, not dropped
        # Offsets from the moment the test runs (parameters are built at collection, minutes earlier).
        ({"at": timedelta(minutes=2)}, "time_in_future"),
        ({"at": -timedelta(minutes=6)}, "position_too_old"),
    ],
)
def test_a_bad_fix_is_422_with_its_code(aws_env: Any, client: Any, change: dict[str, Any], error: str) -> None:
    open_incident("INC-BAD", "cardiac_arrest")
    body = {k: v for k, v in {**fix(), **change}.items() if v is not None}
    body = {k: (datetime.now(UTC) + v).isoformat() if isinstance(v, timedelta) else v for k, v in body.items()}
    resp = share(client, aws_env.token(*FIRE), "INC-BAD", body)
    assert (resp.status_code, code(resp)) == (422, error)
    if error == "validation_failed":  # the failing field is named, its value never echoed
        assert "90.5" not in json.dumps(resp.json_body) and "张伟" not in json.dumps(resp.json_body)
    assert list(bound(ResponderPositionRecord).query("INC-BAD")) == []


def test_a_malformed_body_is_400(aws_env: Any, client: Any) -> None:
    open_incident("INC-JSON", "cardiac_arrest")
    resp = client.http.post(
        "/v1/incidents/INC-JSON/responders/position",
        headers={**aws_env.token(*FIRE), "Content-Type": "application/json"},
        body="{not json",
    )
    assert (resp.status_code, code(resp)) == (400, "malformed_json")


def test_cancelling_the_incident_ends_the_sharing_and_deletes_the_positions(aws_env: Any, client: Any) -> None:
    open_incident("INC-CXL", "cardiac_arrest", status="waiting")
    engine = aws_env.token(*FIRE)
    assert share(client, engine, "INC-CXL", fix()).status_code == 200
    desk = aws_env.token("dispatcher", f"county:{COUNTY}")
    resp = client.http.post(
        "/v1/incidents/INC-CXL/cancel",
        headers={**desk, "Content-Type": "application/json"},
        body=json.dumps({"reason": "caller: false alarm"}),
    )
    assert resp.status_code == 200, resp.body
    assert list(bound(ResponderPositionRecord).query("INC-CXL")) == []
    after = share(client, engine, "INC-CXL", fix())
    assert (after.status_code, code(after)) == (409, "incident_closed")
    listed = teams(client, desk, "INC-CXL")
    assert listed.status_code == 200 and listed.json_body == {
        "incident_id": "INC-CXL", "incident_open": False, "responders": [],
    }  # fmt: skip


def test_a_closed_incident_serves_no_positions_even_before_they_are_deleted(aws_env: Any, client: Any) -> None:
    open_incident("INC-GONE", "cardiac_arrest")
    assert share(client, aws_env.token(*FIRE), "INC-GONE", fix()).status_code == 200
    # Closed behind the hook's back (a delete that did not run): the status alone hides the rows.
    bound(IncidentRecord)("INC-GONE").update(actions=[IncidentRecord.status.set("closed")])
    resp = teams(client, aws_env.token("dispatcher"), "INC-GONE")
    assert resp.json_body["responders"] == [] and resp.json_body["incident_open"] is False
    # And the row carries its TTL.
    (row,) = bound(ResponderPositionRecord).query("INC-GONE")
    assert abs(row.remove_at - (row.at + timedelta(hours=1))) < timedelta(seconds=1)  # the TTL keeps whole seconds


def test_the_assigned_crew_sees_the_teams_and_its_unit_back_in_service_deletes_them(fleet: Any, client: Any) -> None:
    assign("AMB01", "INC-CREW")
    bound(IncidentRecord)("INC-CREW").update(actions=[IncidentRecord.symptoms.set({"cardiac_arrest"})])
    assert share(client, fleet.token(*FIRE), "INC-CREW", fix()).status_code == 200
    crew = fleet.token("crew", "unit:AMB01")
    resp = teams(client, crew, "INC-CREW")
    assert resp.status_code == 200, resp.body
    assert [t["agency"] for t in resp.json_body["responders"]] == ["fire"]
    other = teams(client, fleet.token("crew", "unit:AMB02"), "INC-CREW")
    assert (other.status_code, code(other)) == (403, "not_assigned")
    for body in ({"status": "en_route"}, {"status": "on_scene"}, {"status": "available"}):
        step = client.http.post(
            "/v1/units/AMB01/status", headers={**crew, "Content-Type": "application/json"}, body=json.dumps(body)
        )
        assert step.status_code == 200, step.body
    assert bound(IncidentRecord).get("INC-CREW").status == "closed"
    assert list(bound(ResponderPositionRecord).query("INC-CREW")) == []


@pytest.mark.parametrize(
    ("token", "incident_id", "status", "error"),
    [
        (("dispatcher", "county:350603"), "INC-READ", 404, "incident_not_found"),  # as if missing
        (("dispatcher", None), "INC-NONE", 404, "incident_not_found"),
        (("crew", "unit:AMB09"), "INC-READ", 403, "not_assigned"),
        (("responder", "agency:fire"), "INC-READ", 403, "role_denied"),  # teams do not track each other
        (("hospital", "hospital:HOS01"), "INC-READ", 403, "role_denied"),
        (("volunteer", "volunteer:V1"), "INC-READ", 403, "role_denied"),
    ],
)
def test_who_may_see_the_teams(
    aws_env: Any, client: Any, token: tuple[str, str | None], incident_id: str, status: int, error: str
) -> None:
    open_incident("INC-READ", "cardiac_arrest")
    resp = teams(client, aws_env.token(*token), incident_id)
    assert (resp.status_code, code(resp)) == (status, error)


HEALTH_AND_PERSONAL = [
    ("GET", "/v1/incidents/{id}"),  # calls, with the caller's (masked) phone
    ("GET", "/v1/incidents/{id}/portrait"),
    ("GET", "/v1/incidents/{id}/portrait.svg"),
    ("GET", "/v1/incidents/{id}/vitals"),
    ("GET", "/v1/incidents/{id}/assessments"),
    ("POST", "/v1/incidents/{id}/assessments"),
    ("POST", "/v1/incidents/{id}/patient"),
    ("GET", "/v1/incidents/{id}/files"),
    ("GET", "/v1/incidents/{id}/handover"),
    ("GET", "/v1/incidents/{id}/timeline"),
    ("GET", "/v1/incidents/{id}/bookings"),
    ("GET", "/v1/incidents/{id}/hospital-options"),
    ("GET", "/v1/incidents/{id}/consultations"),
    ("POST", "/v1/incidents/{id}/break-glass"),
    ("GET", "/v1/incidents"),
    ("GET", "/v1/audit?subject=incident:INC-PHI"),
]


@pytest.mark.parametrize(("method", "path"), HEALTH_AND_PERSONAL)
def test_a_responder_is_refused_wherever_health_or_personal_data_is_served(
    aws_env: Any, client: Any, method: str, path: str
) -> None:
    open_incident("INC-PHI", "cardiac_arrest")
    headers = {**aws_env.token(*FIRE), "Content-Type": "application/json"}
    url = path.replace("{id}", "INC-PHI")
    resp = (
        client.http.get(url, headers=headers) if method == "GET" else client.http.post(url, headers=headers, body="{}")
    )
    assert (resp.status_code, code(resp)) == (403, "role_denied")


def test_no_route_but_its_own_and_who_am_i_lets_a_responder_in(client: Any) -> None:
    from chalicelib.core.http import ROUTES

    open_to_responders = {(s.method, s.path) for s in ROUTES if s.roles and Role.RESPONDER in s.roles}
    assert open_to_responders == {("POST", "/v1/incidents/{incident_id}/responders/position"), ("GET", "/v1/me")}
