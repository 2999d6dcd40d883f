"""The AED registry over the API against moto: nearby AEDs from a handful of cells, submissions waiting
for verification."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from chalicelib.aeds.dal import AedRecord
from chalicelib.core.tables import bound
from tests.integration.fleet import test_fleet_api

fleet = test_fleet_api.fleet  # the seeded city (230 AEDs)


def aeds(client: Any, headers: dict[str, str], lat: float, lon: float, radius: float = 500) -> Any:
    return client.http.get(f"/v1/aeds?{urlencode({'lat': lat, 'lon': lon, 'radius': radius})}", headers=headers)


def test_nearby_aeds_nearest_first_with_whether_each_is_usable(fleet: Any, client: Any) -> None:
    seeded = next(r for r in bound(AedRecord).scan() if r.status == "active")
    resp = aeds(client, fleet.token("volunteer", "volunteer:V1"), float(seeded.lat), float(seeded.lon))
    assert resp.status_code == 200, resp.body
    got = resp.json_body["aeds"]
    assert got and got[0]["distance_m"] == 0 and seeded.aed_id in {a["aed_id"] for a in got if a["distance_m"] == 0}
    assert [a["distance_m"] for a in got] == sorted(a["distance_m"] for a in got)
    assert all(a["distance_m"] <= 500 for a in got) and isinstance(got[0]["usable_now"], bool)
    assert aeds(client, fleet.token("volunteer"), 24.5, 117.6, radius=5000).status_code == 422
    assert aeds(client, {}, 24.5, 117.6).status_code == 401


def test_a_submitted_aed_waits_for_verification(fleet: Any, client: Any) -> None:
    volunteer = fleet.token("volunteer", "volunteer:V1")
    body = {
        "name_zh": "芗城区某小区物业中心",
        "lat": 24.5101,
        "lon": 117.6501,
        "indoor": "一楼大厅左侧",
        "hours": "24h",
    }
    resp = client.http.post(
        "/v1/aeds", headers={**volunteer, "Content-Type": "application/json"}, body=json.dumps(body)
    )
    assert resp.status_code == 201, resp.body
    submitted = resp.json_body
    assert submitted["verification"] == "pending" and submitted["usable_now"] is False
    listed = {a["aed_id"]: a for a in aeds(client, volunteer, 24.5101, 117.6501).json_body["aeds"]}
    assert listed[submitted["aed_id"]]["usable_now"] is False  # shown, never sent to
    path = f"/v1/aeds/{submitted['aed_id']}/verification"
    denied = client.http.post(
        path, headers={**volunteer, "Content-Type": "application/json"}, body='{"verified": true}'
    )
    assert denied.status_code == 403
    admin = {**fleet.token("admin"), "Content-Type": "application/json"}
    verified = client.http.post(path, headers=admin, body='{"verified": true}')
    assert verified.status_code == 200 and verified.json_body["usable_now"] is True
    bad = client.http.post("/v1/aeds", headers={**volunteer, "Content-Type": "application/json"},
                           body=json.dumps({**body, "hours": "all day"}))  # fmt: skip
    assert bad.status_code == 422 and bad.json_body["error"]["details"][0]["field"] == "hours"
