"""Reads around a point: on-duty volunteers and usable AEDs, one index Query per coarse cell in reach."""

from __future__ import annotations

from datetime import date, datetime

from chalicelib.aeds import logic as aed_logic
from chalicelib.core.geo import cells_within
from chalicelib.core.tables import bound
from chalicelib.volunteers.dal import AedRecord, VolunteerRecord, to_aed
from chalicelib.volunteers.logic import Candidate
from chalicelib.volunteers.models import Aed, VolunteerTier


def volunteers_near(lat: float, lon: float, radius_m: float) -> list[Candidate]:
    """On-duty volunteers with a position in the cells within reach (the index holds no name or phone)."""
    index = bound(VolunteerRecord).on_duty_by_cell
    return [_candidate(r) for cell in cells_within(lat, lon, radius_m) for r in index.query(cell)]


def usable_aed_near(lat: float, lon: float, radius_m: float, now: datetime) -> tuple[Aed, float] | None:
    """The nearest AED within the radius that can be used now (verified, in service, building open)."""
    aeds = [to_aed(r) for cell in cells_within(lat, lon, radius_m) for r in bound(AedRecord).by_cell.query(cell)]
    usable = [(a, d) for a, d in aed_logic.nearest(aeds, lat, lon, radius_m) if aed_logic.usable(a, now)]
    return usable[0] if usable else None


def _candidate(r: VolunteerRecord) -> Candidate:
    return Candidate(
        volunteer_id=r.volunteer_id,
        tier=VolunteerTier(r.tier),
        cert_expiry=date.fromisoformat(r.cert_expiry),
        lat=float(r.lat or 0.0),
        lon=float(r.lon or 0.0),
        located_at=r.located_at,
        engaged=r.engaged_incident,
    )
