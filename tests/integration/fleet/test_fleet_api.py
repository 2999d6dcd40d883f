"""Fleet API over chalice.test.Client against moto: status machine, scopes, sparse index,
time nodes, the "unit available" publish and optimistic locking."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core import root
from chalicelib.core.tables import bound
from chalicelib.fleet.api import fleet_store
from chalicelib.fleet.dal import UnitRecord, UnitTimeRecord

SEEDED = 34


@pytest.fixture
def fleet(aws_env: Any) -> Iterator[Any]:
    from devstack.seed import generate, load

    root.reset()
    load(generate(addresses=50, volunteers=5))
    yield aws_env
    root.reset()


def assign(unit_id: str, incident_id: str) -> None:
    """An open incident near the unit, and dispatch's claim of the unit for it."""
    from chalicelib.dispatch.adapters.claims import DynamoDispatchStore
    from chalicelib.dispatch.entities import Claim
    from chalicelib.incidents.dal import IncidentRecord

    r = bound(UnitRecord).get(unit_id)
    now = datetime.now(UTC)
    location = {"address_code": None, "text": None, "lat": float(r.lat), "lon": float(r.lon)}
    location |= {"county": r.county, "confidence": "device"}
    bound(IncidentRecord)(
        incident_id, county=r.county, status="received", location=location, source="phone",
        created_at=now, updated_at=now, open_county=r.county,
    ).save()  # fmt: skip
    store = DynamoDispatchStore()
    incident = store.get(incident_id)
    assert incident is not None and store.claim(incident, unit_id, "auto", now) is Claim.CLAIMED


def post(client: Any, headers: dict[str, str], unit_id: str, body: dict[str, Any]) -> Any:
    return client.http.post(
        f"/v1/units/{unit_id}/status",
        headers={**headers, "Content-Type": "application/json"},
        body=json.dumps(body),
    )


def available_in_cell(unit_id: str) -> bool:
    r = bound(UnitRecord).get(unit_id)
    return unit_id in {u.unit_id for u in bound(UnitRecord).available_by_cell.query(r.cell_coarse)}


def test_given_an_assigned_unit_when_its_crew_reports_a_run_then_nodes_index_and_publish_follow(
    fleet: Any, client: Any
) -> None:
    assign("AMB01", "INC1")
    crew = fleet.token("crew", "unit:AMB01")
    assert not available_in_cell("AMB01")
    for body in ({"status": "en_route"}, {"status": "on_scene", "event": "at_patient"}, {"status": "transporting"}):
        resp = post(client, crew, "AMB01", body)
        assert resp.status_code == 200, resp.body
        assert not available_in_cell("AMB01")
    assert post(client, crew, "AMB01", {"status": "at_hospital"}).json_body["status"] == "AT_HOSPITAL"
    done = post(client, crew, "AMB01", {"status": "available"}).json_body
    assert done["changed"] and done["recorded"][0]["node"] == "eTimes.13"
    assert available_in_cell("AMB01")
    topics = [(t, p["unit_id"], p["previous_incident_id"]) for t, p in fleet.publisher.sent]
    assert ("ems/fleet/available", "AMB01", "INC1") in topics
    nodes = [r.node for r in bound(UnitTimeRecord).query("INC1")]
    assert nodes == ["eTimes.03", "eTimes.05", "eTimes.06", "eTimes.07", "eTimes.09", "eTimes.11", "eTimes.13"]
    # The incident followed its unit and closed with it: off the board, no longer open for duplicates.
    from chalicelib.incidents.dal import IncidentRecord

    incident = bound(IncidentRecord).get("INC1")
    assert incident.status == "closed" and incident.open_county is None


def test_illegal_move_is_409_with_current_and_allowed(fleet: Any, client: Any) -> None:
    resp = post(client, fleet.token("crew", "unit:AMB01"), "AMB01", {"status": "on_scene"})
    assert resp.status_code == 409
    err = resp.json_body["error"]
    assert err["code"] == "illegal_transition"
    assert err["details"] == {"current": "AVAILABLE", "allowed": ["OUT_OF_SERVICE"]}


def test_who_may_report(fleet: Any, client: Any) -> None:
    assign("AMB01", "INC2")
    body = {"status": "EN_ROUTE"}
    assert post(client, {}, "AMB01", body).status_code == 401
    assert post(client, fleet.token("crew", "unit:AMB02"), "AMB01", body).json_body["error"]["code"] == "scope_denied"
    assert post(client, fleet.token("dispatcher", "county:350603"), "AMB01", body).status_code == 403
    assert post(client, fleet.token("caller", "call:X"), "AMB01", body).status_code == 403
    assert post(client, fleet.token("dispatcher"), "NOPE", body).status_code == 404
    assert post(client, fleet.token("dispatcher", "county:350602"), "AMB01", body).status_code == 200


def test_a_clock_in_the_future_is_refused(fleet: Any, client: Any) -> None:
    ahead = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    resp = post(client, fleet.token("crew", "unit:AMB01"), "AMB01", {"status": "out_of_service", "at": ahead})
    assert resp.status_code == 422 and resp.json_body["error"]["code"] == "time_in_future"


def test_given_a_stale_read_when_another_change_landed_then_409_version_conflict(
    fleet: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assign("AMB01", "INC3")
    store = fleet_store()
    stale = store.get("AMB01")
    crew = fleet.token("crew", "unit:AMB01")
    assert post(client, crew, "AMB01", {"status": "en_route"}).status_code == 200
    # The second request read the unit before the first one wrote: replay that read.
    monkeypatch.setattr(store, "get", lambda unit_id: stale)
    resp = post(client, crew, "AMB01", {"status": "en_route"})
    assert resp.status_code == 409 and resp.json_body["error"]["code"] == "version_conflict", resp.json_body


def test_out_of_service_and_back_moves_the_unit_out_of_and_into_the_index(fleet: Any, client: Any) -> None:
    crew = fleet.token("crew", "unit:AMB01")
    assert post(client, crew, "AMB01", {"status": "out_of_service"}).status_code == 200
    assert not available_in_cell("AMB01") and not fleet.publisher.sent
    assert post(client, fleet.token("dispatcher"), "AMB01", {"status": "available"}).status_code == 409
    assert post(client, fleet.token("admin"), "AMB01", {"status": "available"}).json_body["version"] == 3
    assert available_in_cell("AMB01") and fleet.publisher.sent[-1][0] == "ems/fleet/available"


def test_a_crew_app_fix_moves_the_unit_and_its_cell_forward_only(fleet: Any, client: Any) -> None:
    crew = fleet.token("crew", "unit:AMB01")
    now = datetime.now(UTC)
    far = {"lat": 24.40, "lon": 117.80, "at": now.isoformat()}  # ~20 km away: another coarse cell
    before = bound(UnitRecord).get("AMB01").cell_coarse
    resp = post_to(client, crew, "/v1/units/AMB01/position", far)
    assert resp.status_code == 200 and resp.json_body["accepted"], resp.body
    moved = bound(UnitRecord).get("AMB01")
    assert moved.cell_coarse != before and available_in_cell("AMB01")  # dispatch finds it where it is
    late = {"lat": 24.5, "lon": 117.6, "at": (now - timedelta(seconds=30)).isoformat()}
    resp = post_to(client, crew, "/v1/units/AMB01/position", late)
    assert resp.status_code == 200 and not resp.json_body["accepted"]
    assert float(bound(UnitRecord).get("AMB01").lat) == 24.40
    view = client.http.get("/v1/units/AMB01", headers=crew).json_body
    assert view["position"]["source"] == "reported" and not view["position"]["stale"]
    # Only its own crew reports it; bad fixes name the field.
    other = post_to(client, fleet.token("crew", "unit:AMB02"), "/v1/units/AMB01/position", far)
    assert other.status_code == 403
    bad = post_to(client, crew, "/v1/units/AMB01/position", {**far, "lat": 123})
    assert bad.status_code == 422 and "lat" in bad.body.decode()
    ahead = {**far, "at": (now + timedelta(hours=1)).isoformat()}
    assert post_to(client, crew, "/v1/units/AMB01/position", ahead).json_body["error"]["code"] == "time_in_future"


def post_to(client: Any, headers: dict[str, str], path: str, body: dict[str, Any]) -> Any:
    return client.http.post(path, headers={**headers, "Content-Type": "application/json"}, body=json.dumps(body))
