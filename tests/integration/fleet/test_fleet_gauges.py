"""Units available per county, as the ops dashboard graphs them every minute (EMF on stdout)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import post

fleet = test_fleet_api.fleet  # the seeded-fleet fixture


def test_each_county_reports_its_available_units(fleet: Any, client: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib.fleet.routes import fleet_gauges

    before = fleet_gauges.domain_function({})
    assert len(before) == 11 and sum(before.values()) > 0
    county = next(c for c, n in before.items() if n > 0)
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"UnitsAvailable"' in line]
    by_county = {e["county"]: e["UnitsAvailable"][0] for e in emitted}
    assert by_county == before
    assert all(e["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service", "county"]] for e in emitted)

    from chalicelib.core.tables import bound
    from chalicelib.fleet.dal import UnitRecord

    unit_id = next(r.unit_id for r in bound(UnitRecord).scan() if r.county == county and r.status == "AVAILABLE")
    assert post(client, fleet.token("admin"), unit_id, {"status": "out_of_service"}).status_code == 200
    assert fleet_gauges.domain_function({})[county] == before[county] - 1
