"""The "unit available" event: told to its sink once a unit is free (after a status report, a
stand-down). Apart from the commands so another domain may announce without loading them."""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.geo import cells
from chalicelib.core.observability import count, logger
from chalicelib.fleet.entities import UnitAvailable, UnitState
from chalicelib.fleet.ports import UnitAvailableSink


def announce(sink: UnitAvailableSink, after: UnitState, previous_incident: str | None, now: datetime) -> None:
    u = after.unit
    event = UnitAvailable(
        u.unit_id, u.type, u.county, u.lat, u.lon, cells(u.lat, u.lon).coarse, now, after.version, previous_incident
    )
    try:
        sink.unit_available(event)
    except Exception:
        # The status is committed and the sparse index lists the unit; a lost event only
        # delays a waiting incident until the next search, so the crew gets no error.
        logger().exception("unit available event not delivered", extra={"unit_id": u.unit_id})
        count("UnitAvailableEventFailed")
