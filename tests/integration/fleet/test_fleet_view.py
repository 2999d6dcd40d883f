"""Fleet view and assignment over HTTP: county scopes, status filter, stale positions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core import root
from chalicelib.core.tables import bound
from chalicelib.fleet.dal import UnitRecord


@pytest.fixture
def fleet(aws_env: Any) -> Iterator[Any]:
    from devstack.seed import generate, load

    root.reset()
    load(generate(addresses=50, volunteers=5))
    yield aws_env
    root.reset()


def get(client: Any, path: str, headers: dict[str, str]) -> Any:
    return client.http.get(path, headers=headers)


def test_a_city_wide_dispatcher_sees_the_whole_fleet_and_filters_by_status(fleet: Any, client: Any) -> None:
    city = fleet.token("dispatcher")
    body = get(client, "/v1/units", city).json_body
    assert body["count"] == 34 and len({u["unit_id"] for u in body["units"]}) == 34
    out = get(client, "/v1/units?status=out_of_service", city).json_body
    assert {u["unit_id"] for u in out["units"]} == {"AMB03", "AMB14"}


def test_a_county_dispatcher_sees_only_its_county(fleet: Any, client: Any) -> None:
    county = fleet.token("dispatcher", "county:350602")
    mine = get(client, "/v1/units", county).json_body["units"]
    assert mine and {u["county"] for u in mine} == {"350602"}
    als = next(u for u in mine if u["type"] == "ALS")
    assert [c.split("-")[1][:3] for c in als["crew"]] == ["DRV", "DOC", "NUR"]  # a doctor on every ALS unit
    assert get(client, "/v1/units?county=350602&status=AVAILABLE", county).status_code == 200
    refused = get(client, "/v1/units?county=350603", county)
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "scope_denied"


def test_the_fleet_view_is_for_dispatchers(fleet: Any, client: Any) -> None:
    assert get(client, "/v1/units", {}).status_code == 401
    assert get(client, "/v1/units", fleet.token("crew", "unit:AMB01")).status_code == 403
    assert get(client, "/v1/units?county=12", fleet.token("dispatcher")).status_code == 422


def test_one_unit_with_a_stale_seed_position_shows_its_station(fleet: Any, client: Any) -> None:
    view = get(client, "/v1/units/AMB01", fleet.token("crew", "unit:AMB01")).json_body
    assert view["status"] == "AVAILABLE" and view["type"] == "ALS" and view["incident_id"] is None
    assert view["position"]["stale"] is True and view["position"]["source"] == "station"
    assert get(client, "/v1/units/AMB01", fleet.token("crew", "unit:AMB02")).status_code == 403
    assert get(client, "/v1/units/AMB01", fleet.token("dispatcher", "county:350603")).status_code == 403
    assert get(client, "/v1/units/NOPE", fleet.token("admin")).status_code == 404


def test_a_fresh_position_is_reported_as_is(fleet: Any, client: Any) -> None:
    bound(UnitRecord).get("AMB02").update(actions=[UnitRecord.position_at.set(datetime.now(UTC))])
    view = get(client, "/v1/units/AMB02", fleet.token("dispatcher")).json_body
    assert view["position"]["stale"] is False and view["position"]["source"] == "reported"


def test_assignment_is_404_until_the_unit_has_an_incident(fleet: Any, client: Any) -> None:
    crew = fleet.token("crew", "unit:AMB01")
    none = get(client, "/v1/units/AMB01/assignment", crew)
    assert none.status_code == 404 and none.json_body["error"]["code"] == "no_assignment"
    bound(UnitRecord).get("AMB01").update(
        actions=[UnitRecord.incident_id.set("INC9"), UnitRecord.assigned_at.set(datetime.now(UTC))]
    )
    body = get(client, "/v1/units/AMB01/assignment", crew).json_body
    assert body["incident_id"] == "INC9" and body["destination_id"] is None
    assert get(client, "/v1/units/AMB01/assignment", fleet.token("crew", "unit:AMB02")).status_code == 403
    assert get(client, "/v1/units/AMB01", crew).json_body["incident_id"] == "INC9"
