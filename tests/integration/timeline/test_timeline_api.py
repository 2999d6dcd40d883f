"""Wristbands, the timeline and the KPIs over the API against moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tests.integration.bookings import test_bookings_api
from tests.integration.bookings.test_bookings_api import hospital, post, stroke_at_the_tcm_hospital
from tests.integration.fleet import test_fleet_api

fleet = test_fleet_api.fleet  # the seeded-fleet fixture
his = test_bookings_api.his


def accepted_stroke(client: Any, fleet: Any, unit_id: str, incident_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """A stroke patient booked into and accepted by a thrombectomy centre: the crew's and the ED's tokens."""
    crew = stroke_at_the_tcm_hospital(client, fleet, unit_id, incident_id)
    offer = post(client, f"/v1/incidents/{incident_id}/bookings", crew, {}).json_body
    ed = hospital(fleet, offer["hospital_id"])
    assert post(client, f"/v1/bookings/{offer['booking_id']}/accept", ed, {}).status_code == 200
    return crew, ed


def test_scans_record_nodes_once_in_time_order_and_the_timeline_judges_them(fleet: Any, client: Any, his: Any) -> None:
    crew, ed = accepted_stroke(client, fleet, "AMB01", "INC-TL")
    other_crew = fleet.token("crew", "unit:AMB02")
    assert (
        post(client, "/v1/wristbands", other_crew, {"band_id": "WB-0001", "incident_id": "INC-TL"}).status_code == 403
    )
    bound = post(client, "/v1/wristbands", crew, {"band_id": "WB-0001", "incident_id": "INC-TL"})
    assert bound.status_code == 201 and bound.json_body["unit_id"] == "AMB01"
    assert post(client, "/v1/wristbands", crew, {"band_id": "WB-0001", "incident_id": "INC-TL"}).status_code == 201
    assign_elsewhere = post(client, "/v1/wristbands", crew, {"band_id": "WB-0001", "incident_id": "INC-OTHER"})
    assert assign_elsewhere.status_code == 403  # the crew is not on that incident, whoever holds the band

    door = datetime.now(UTC) - timedelta(minutes=50)
    scans = [("needle", door + timedelta(minutes=38)), ("door", door), ("ct_start", door + timedelta(minutes=19))]
    for node, when in scans:  # the needle's scanner came back online first
        resp = post(client, "/v1/wristbands/WB-0001/scans", ed, {"node": node, "at": when.isoformat(),
                                                                   "station": "stroke unit"})  # fmt: skip
        assert resp.status_code == 201 and resp.json_body["recorded"], resp.body
    again = post(
        client, "/v1/wristbands/WB-0001/scans", ed, {"node": "door", "at": (door + timedelta(minutes=3)).isoformat()}
    )
    assert again.json_body["recorded"] is False and datetime.fromisoformat(again.json_body["at"]) == door
    unknown = post(client, "/v1/wristbands/WB-9999/scans", ed, {"node": "door"})
    assert (unknown.status_code, unknown.json_body["error"]["code"]) == (404, "band_not_found")
    stranger = post(client, "/v1/wristbands/WB-0001/scans", hospital(fleet, "HOS09"), {"node": "triage"})
    assert stranger.status_code == 403
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    ahead = post(client, "/v1/wristbands/WB-0001/scans", ed, {"node": "triage", "at": future})
    assert ahead.status_code == 422 and ahead.json_body["error"]["code"] == "time_in_future"

    tl = client.http.get("/v1/incidents/INC-TL/timeline", headers=ed).json_body
    hospital_nodes = [n["node"] for n in tl["nodes"] if n["source"] == "wristband"]
    assert hospital_nodes == ["door", "ct_start", "needle"]
    assert [n["at"] for n in tl["nodes"]] == sorted(n["at"] for n in tl["nodes"])
    intervals = {i["id"]: i for i in tl["intervals"]}
    assert intervals["door_to_ct"]["seconds"] == 19 * 60 and intervals["door_to_ct"]["met"] is True
    assert intervals["door_to_needle"]["seconds"] == 38 * 60 and intervals["door_to_needle"]["target_s"] == 3600
    assert intervals["door_to_needle"]["met"] is True and "door_to_balloon" not in intervals
    assert intervals["call_to_dispatch"]["seconds"] is not None  # the dispatch claim's node


def test_kpis_aggregate_the_incidents_of_a_county_and_pathway(fleet: Any, client: Any, his: Any) -> None:
    door = datetime.now(UTC) - timedelta(hours=2)
    for n, (unit_id, needle_min) in enumerate([("AMB05", 35), ("AMB06", 50), ("AMB07", 75)]):
        crew, ed = accepted_stroke(client, fleet, unit_id, f"INC-K{n}")
        band = f"WB-K00{n}"
        assert post(client, "/v1/wristbands", crew, {"band_id": band, "incident_id": f"INC-K{n}"}).status_code == 201
        for node, minutes in (("door", 0), ("needle", needle_min)):
            when = (door + timedelta(minutes=minutes)).isoformat()
            assert post(client, f"/v1/wristbands/{band}/scans", ed, {"node": node, "at": when}).status_code == 201
    county = client.http.get("/v1/incidents/INC-K0", headers=fleet.token("dispatcher")).json_body["county"]
    now = datetime.now(UTC)
    since, until = (now - timedelta(days=1)).isoformat(), (now + timedelta(hours=1)).isoformat()
    query = {"from": since, "to": until, "county": county, "pathway": "stroke"}
    resp = client.http.get(f"/v1/kpis?{urlencode(query)}", headers=fleet.token("dispatcher", f"county:{county}"))
    assert resp.status_code == 200, resp.body
    got = resp.json_body
    dtn = next(i for i in got["intervals"] if i["interval"] == "door_to_needle")
    assert got["patients"] >= 3 and dtn["count"] >= 3
    assert dtn["median_s"] == 50 * 60 and dtn["within_target"] == 2 / 3 and dtn["target_s"] == 3600
    other = "350681" if county != "350681" else "350602"
    denied = client.http.get(f"/v1/kpis?{urlencode({**query, 'county': other})}",
                             headers=fleet.token("dispatcher", f"county:{county}"))  # fmt: skip
    assert denied.status_code == 403
    backwards = client.http.get(f"/v1/kpis?{urlencode({**query, 'to': query['from'], 'from': query['to']})}",
                                headers=fleet.token("dispatcher"))  # fmt: skip
    assert backwards.status_code == 422 and backwards.json_body["error"]["code"] == "invalid_range"
