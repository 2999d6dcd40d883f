"""First responders over the API against moto: the registry, and a cardiac arrest alerting the nearest
volunteers through the real first_response execution (answer window shortened to 2 s)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.core.tables import bound
from chalicelib.volunteers.dal import VolunteerRecord
from tests.integration.dispatch import test_dispatch_api
from tests.integration.dispatch.test_dispatch_api import open_incident, post, until

# Xiangcheng (urban: 500 m). The volunteers stand north of the patient at these distances (metres).
PATIENT = {"lat": 24.5000, "lon": 117.6500}
M_PER_DEG = 111_195.0
ANSWER_S = 2


fleet = test_dispatch_api.fleet


@pytest.fixture
def city(fleet: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from chalicelib.core.root import reset

    monkeypatch.setenv("EMS_VOLUNTEER_ANSWER_S", str(ANSWER_S))
    reset()
    yield fleet


def north(metres: float) -> dict[str, float]:
    return {"lat": PATIENT["lat"] + metres / M_PER_DEG, "lon": PATIENT["lon"]}


def enrol(client: Any, env: Any, vid: str, metres: float, tier: str = "registered", expiry: str = "2030-01-01") -> Any:
    body = {"volunteer_id": vid, "name": f"志愿者{vid}", "phone": "13800000000", "tier": tier,
            "cert_no": f"ZZHS{vid}", "cert_expiry": expiry, "county": "350602"}  # fmt: skip
    assert post(client, env.token("admin"), "/v1/volunteers", body).status_code == 201
    me = env.token("volunteer", f"volunteer:{vid}")
    resp = client.http.put("/v1/volunteers/me/duty", headers={**test_dispatch_api.JSON, **me},
                           body=json.dumps({"on_duty": True, **north(metres)}))  # fmt: skip
    assert resp.status_code == 200, resp.body
    return me


def alerts_of(client: Any, me: dict[str, str]) -> list[dict[str, Any]]:
    resp = client.http.get("/v1/volunteers/me/alerts", headers=me)
    assert resp.status_code == 200, resp.body
    return list(resp.json_body["alerts"])


def offered(client: Any, me: dict[str, str]) -> dict[str, Any] | None:
    return next((a for a in alerts_of(client, me) if a["status"] == "offered"), None)


def responders(client: Any, headers: dict[str, str], incident_id: str) -> dict[str, Any]:
    resp = client.http.get(f"/v1/incidents/{incident_id}/volunteers", headers=headers)
    assert resp.status_code == 200, resp.body
    return dict(resp.json_body)


def off_duty_seeded() -> None:
    for r in bound(VolunteerRecord).scan():
        if r.on_duty:
            r.update(actions=[VolunteerRecord.on_duty.set(False), VolunteerRecord.duty_cell.remove()])


def execution(env: Any, name: str) -> str:
    from chalicelib.core.aws import client as aws

    arn = env.machines["first_response"].replace(":stateMachine:", ":execution:") + f":{name}"
    return str(aws("stepfunctions").describe_execution(executionArn=arn)["status"])


def test_a_cardiac_arrest_alerts_the_three_nearest_and_passes_declines_and_silence_on(city: Any, client: Any) -> None:
    off_duty_seeded()
    a, b, c, d = (enrol(client, city, v, m) for v, m in (("VA", 100), ("VB", 200), ("VC", 300), ("VD", 400)))
    enrol(client, city, "VE", 150, expiry="2020-01-01")  # certificate expired: never alerted
    enrol(client, city, "VF", 700)  # beyond 500 m in town
    incident_id = open_incident(client, city, PATIENT, symptoms=["cardiac_arrest"])

    # Given the three nearest are alerted, with a place rounded to ~100 m and nothing about the patient
    first = {vid: until(lambda me=me: offered(client, me), f"{vid} alerted") for vid, me in (("VA", a), ("VB", b),
                                                                                             ("VC", c))}  # fmt: skip
    assert offered(client, d) is None
    seen = first["VA"]
    assert seen["place"]["exact"] is False and seen["place"]["address"] is None and seen["nature"] == "cardiac_arrest"
    assert set(seen) <= {"alert_id", "kind", "status", "nature", "nature_zh", "place_kind", "place", "distance_m",
                         "offered_at", "answer_by", "aed", "nodes", "reason"}  # fmt: skip
    assert seen["place_kind"] == "public" and 90 <= seen["distance_m"] <= 110
    assert any(t == "ems/volunteers/VA/alerts" and p["type"] == "alert" for t, p in city.publisher.sent)

    # When B declines, D (the next nearest) is asked at once
    assert post(client, b, f"/v1/alerts/{first['VB']['alert_id']}/decline", {}).json_body["status"] == "declined"
    assert offered(client, d) is not None

    # When A accepts, A sees the exact place; A reports as they go, the first time of each node stands
    accepted = post(client, a, f"/v1/alerts/{first['VA']['alert_id']}/accept", {}).json_body
    assert accepted["status"] == "accepted" and accepted["place"]["exact"] is True
    assert accepted["place"]["lat"] == PATIENT["lat"]
    path = f"/v1/alerts/{first['VA']['alert_id']}/status"
    on_way = post(client, a, path, {"node": "en_route"}).json_body["nodes"]["en_route"]
    assert post(client, a, path, {"node": "en_route"}).json_body["nodes"]["en_route"] == on_way
    assert post(client, a, path, {"node": "on_scene"}).status_code == 200
    assert post(client, a, path, {"node": "teleported"}).status_code == 422
    assert post(client, a, path, {"node": "cpr_started", "at": "2099-01-01T00:00:00Z"}).status_code == 422
    assert post(client, a, path, {"node": "cpr_started", "at": "2026-11-26T03:00:00"}).status_code == 422  # no zone
    assert post(client, c, path, {"node": "on_scene"}).json_body["error"]["code"] == "alert_not_found"

    # Then silence passes on: C and D time out and nobody else is within reach; the search goes on
    def statuses() -> dict[str, str]:
        seen = responders(client, city.token("dispatcher"), incident_id)["volunteers"]
        return {v["volunteer_id"]: v["status"] for v in seen}

    until(lambda: statuses() == {"VA": "accepted", "VB": "declined", "VC": "expired", "VD": "expired"}, "silence")
    assert execution(city, incident_id) == "RUNNING"
    late = enrol(client, city, "VL", 350)  # comes on duty nearby: asked at the next search
    until(lambda: offered(client, late), "the newcomer asked")

    # When the crew is on scene the rounds end: pending offers are withdrawn, A carries on
    unit = test_dispatch_api.view(client, city, incident_id)["dispatch"]["assignment"]["unit_id"]
    crew_token = city.token("crew", f"unit:{unit}")
    for status in ("en_route", "on_scene"):
        assert post(client, crew_token, f"/v1/units/{unit}/status", {"status": status}).status_code == 200
    until(lambda: execution(city, incident_id) == "SUCCEEDED", "the alert rounds to end", timeout_s=30)
    assert statuses() == {"VA": "accepted", "VB": "declined", "VC": "expired", "VD": "expired", "VL": "cancelled"}
    assert alerts_of(client, late)[0]["reason"] == "crew_on_scene"

    # The desk sees who is coming and how to call them; the crew sees what they did, without names
    desk = responders(client, city.token("dispatcher"), incident_id)
    va = next(v for v in desk["volunteers"] if v["volunteer_id"] == "VA")
    assert va["phone"] == "13800000000" and set(va["nodes"]) == {"en_route", "on_scene"}
    assert all(v["phone"] is None for v in desk["volunteers"] if v["volunteer_id"] != "VA")
    assert desk["alerting"] is False and desk["radius_m"] == 500
    timeline = client.http.get(f"/v1/incidents/{incident_id}/timeline", headers=city.token("dispatcher")).json_body
    shown = {n["node"] for n in timeline["nodes"]}
    assert {"volunteer.VA.alerted", "volunteer.VA.accepted", "volunteer.VA.en_route"} <= shown
    crew = responders(client, crew_token, incident_id)
    assert all(v["name"] is None and v["phone"] is None for v in crew["volunteers"])
    assert client.http.get(f"/v1/incidents/{incident_id}/volunteers",
                           headers=city.token("crew", "unit:AMB99")).status_code == 403  # fmt: skip


def test_a_volunteer_sees_no_identity_or_health_data(city: Any, client: Any) -> None:
    off_duty_seeded()
    me = enrol(client, city, "VP", 50)
    incident_id = open_incident(client, city, PATIENT, symptoms=["cardiac_arrest"], phone="13912345678",
                                note="患者有高血压")  # fmt: skip
    alert = until(lambda: offered(client, me), "alerted")
    accepted = post(client, me, f"/v1/alerts/{alert['alert_id']}/accept", {}).json_body
    text = json.dumps(accepted, ensure_ascii=False)
    assert "13912345678" not in text and "高血压" not in text and incident_id not in text.replace(alert["alert_id"], "")
    for path in ("", "/portrait", "/vitals", "/assessments", "/timeline"):
        resp = client.http.get(f"/v1/incidents/{incident_id}{path}", headers=me)
        assert resp.status_code in (403, 404), (path, resp.status_code)
        assert resp.status_code == 403 or path == "/vitals"


def test_an_unsafe_scene_stands_everyone_down_until_it_is_safe_again(city: Any, client: Any) -> None:
    off_duty_seeded()
    a, b = enrol(client, city, "VS1", 100), enrol(client, city, "VS2", 200)
    incident_id = open_incident(client, city, PATIENT, symptoms=["cardiac_arrest"])
    first = until(lambda: offered(client, a), "VS1 alerted")
    post(client, a, f"/v1/alerts/{first['alert_id']}/accept", {})
    path = f"/v1/incidents/{incident_id}/scene-safety"
    desk = city.token("dispatcher")
    assert client.http.put(path, headers={**test_dispatch_api.JSON, **a}, body='{"unsafe": true}').status_code == 403
    flagged = client.http.put(path, headers={**test_dispatch_api.JSON, **desk},
                              body='{"unsafe": true, "note": "armed relative"}').json_body  # fmt: skip
    assert flagged["unsafe"] is True and flagged["alerting"] is False
    assert {v["status"] for v in flagged["volunteers"]} == {"cancelled"}
    assert alerts_of(client, a)[0]["reason"] == "unsafe_scene"
    assert ("ems/volunteers/VS1/alerts", {"schema": 1, "type": "stand_down", "alert_id": first["alert_id"],
                                          "reason": "unsafe_scene"}) in city.publisher.sent  # fmt: skip
    second = alerts_of(client, b)[0]
    late = post(client, b, f"/v1/alerts/{second['alert_id']}/accept", {})
    assert late.status_code == 409 and late.json_body["error"]["code"] == "alert_not_open"  # never sent in
    vs3 = enrol(client, city, "VS3", 250)
    cleared = client.http.put(path, headers={**test_dispatch_api.JSON, **desk}, body='{"unsafe": false}')
    assert cleared.status_code == 200 and cleared.json_body["unsafe"] is False
    until(lambda: offered(client, vs3), "VS3 alerted once the scene is safe again")
    assert execution(city, f"{incident_id}-g1") == "RUNNING"  # a new execution owns the round
    assert offered(client, b) is None  # already stood down once: not asked again


def test_registry_duty_and_position(city: Any, client: Any) -> None:
    admin = city.token("admin")
    body = {"volunteer_id": "VR1", "name": "林医生", "phone": "13800000001", "tier": "professional",
            "cert_no": "ZZHS2024000001", "cert_expiry": "2027-06-30", "county": "350602"}  # fmt: skip
    assert post(client, admin, "/v1/volunteers", body).status_code == 201
    assert post(client, admin, "/v1/volunteers", body).json_body["error"]["code"] == "volunteer_exists"
    assert post(client, admin, "/v1/volunteers", {**body, "phone": "call me"}).status_code == 422
    assert post(client, city.token("volunteer", "volunteer:VR1"), "/v1/volunteers", body).status_code == 403
    me = city.token("volunteer", "volunteer:VR1")
    put = lambda p, b: client.http.put(p, headers={**test_dispatch_api.JSON, **me}, body=b)  # noqa: E731
    assert put("/v1/volunteers/me/location", '{"lat": 24.5, "lon": 117.65}').json_body["error"]["code"] == "not_on_duty"
    assert put("/v1/volunteers/me/duty", '{"on_duty": true}').status_code == 422
    on = put("/v1/volunteers/me/duty", '{"on_duty": true, "lat": 24.5, "lon": 117.65}').json_body
    assert on["on_duty"] is True and on["located_at"] and on["certified"] is True
    assert put("/v1/volunteers/me/location", '{"lat": 24.501, "lon": 117.65}').status_code == 200
    assert put("/v1/volunteers/me/location", '{"lat": 124.5, "lon": 117.65}').status_code == 422
    off = put("/v1/volunteers/me/duty", '{"on_duty": false}').json_body
    assert off["on_duty"] is False and off["located_at"] is None
    record = bound(VolunteerRecord).get("VR1")
    assert record.lat is None and record.duty_cell is None  # dropped, and out of the on-duty index
    stranger = city.token("volunteer", "volunteer:NOBODY")
    assert client.http.get("/v1/volunteers/me", headers=stranger).json_body["error"]["code"] == "volunteer_not_found"
    assert client.http.get("/v1/volunteers/me", headers=city.token("volunteer")).status_code == 403


def test_the_keeper_of_the_aed_nearby_is_asked_to_bring_it(city: Any, client: Any) -> None:
    off_duty_seeded()
    keeper = enrol(client, city, "VK", 2000)  # far away on duty: a keeper is asked wherever they are
    nearby = enrol(client, city, "VN", 100)
    body = {"name_zh": "某商场服务台", "hours": "24h", "indoor": "一楼服务台后墙", **north(50)}
    aed_id = post(client, keeper, "/v1/aeds", body).json_body["aed_id"]
    admin = city.token("admin")
    assert post(client, admin, f"/v1/aeds/{aed_id}/verification", {"verified": True}).status_code == 200
    put = lambda path, who: client.http.put(path, headers={**test_dispatch_api.JSON, **who}, body="{}")  # noqa: E731
    assert put(f"/v1/aeds/{aed_id}/subscription", keeper).json_body["subscribed"] is True
    assert put(f"/v1/aeds/{aed_id}/subscription", nearby).json_body["error"]["code"] == "not_aed_owner"
    assert put(f"/v1/aeds/{aed_id}/keepers/NOBODY", admin).json_body["error"]["code"] == "volunteer_not_found"
    assert put("/v1/aeds/NOAED/keepers/VN", admin).json_body["error"]["code"] == "aed_not_found"
    assert put(f"/v1/aeds/{aed_id}/keepers/VN", nearby).status_code == 403
    expired = enrol(client, city, "VX", 3000, expiry="2020-01-01")
    assert put(f"/v1/aeds/{aed_id}/keepers/VX", admin).json_body["subscribed"] is True

    open_incident(client, city, PATIENT, symptoms=["cardiac_arrest"])
    asked = until(lambda: offered(client, keeper), "the keeper asked")
    assert asked["kind"] == "keeper" and asked["aed"]["aed_id"] == aed_id and asked["aed"]["bring"] is True
    assert asked["aed"]["indoor"] == "一楼服务台后墙" and 40 <= asked["aed"]["distance_m"] <= 60
    near = until(lambda: offered(client, nearby), "the nearby volunteer asked")
    assert near["kind"] == "responder" and near["aed"]["bring"] is True  # until the keeper says yes
    assert alerts_of(client, expired) == []  # a keeper's certificate counts like anyone's
    assert post(client, keeper, f"/v1/alerts/{asked['alert_id']}/accept", {}).json_body["status"] == "accepted"
    gone = client.http.delete(f"/v1/aeds/{aed_id}/subscription", headers=keeper)
    assert gone.status_code == 200 and gone.json_body["subscribed"] is False


def test_cancelling_the_job_stands_down_a_volunteer_on_the_way(city: Any, client: Any) -> None:
    off_duty_seeded()
    me = enrol(client, city, "VC1", 120)
    incident_id = open_incident(client, city, PATIENT, symptoms=["cardiac_arrest"])
    alert = until(lambda: offered(client, me), "alerted")
    post(client, me, f"/v1/alerts/{alert['alert_id']}/accept", {})
    resp = post(client, city.token("dispatcher"), f"/v1/incidents/{incident_id}/cancel", {"reason": "false alarm"})
    assert resp.status_code == 200, resp.body
    mine = alerts_of(client, me)[0]
    assert mine["status"] == "cancelled" and mine["reason"] == "closed"
    told = [p for t, p in city.publisher.sent if t == "ems/volunteers/VC1/alerts"]
    assert told[-1] == {"schema": 1, "type": "stand_down", "alert_id": alert["alert_id"], "reason": "closed"}
    assert bound(VolunteerRecord).get("VC1").engaged_incident is None  # free for the next arrest
    again = post(client, me, f"/v1/alerts/{alert['alert_id']}/accept", {})
    assert again.status_code == 409 and again.json_body["error"]["code"] == "alert_not_open"
