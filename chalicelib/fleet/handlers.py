"""Scheduled entry point of the fleet (wired in app.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.core.counties import COUNTIES
from chalicelib.core.observability import gauge


def fleet_gauges(event: dict[str, Any]) -> dict[str, int]:
    """Units available per county, every minute, for the ops dashboard (one Query per county)."""
    from chalicelib.fleet.deps import get_fleet_store
    from chalicelib.fleet.models import UnitStatus

    store = get_fleet_store()
    counts = {c.code: len(store.in_county(c.code, UnitStatus.AVAILABLE)) for c in COUNTIES}
    for county, available in counts.items():
        gauge("UnitsAvailable", available, county=county)
    return counts
