"""Reads around a point: on-duty volunteers and usable AEDs, a few index Queries bounded by fine-cell ranges."""

from __future__ import annotations

from datetime import date, datetime

from chalicelib.aeds import logic as aed_logic
from chalicelib.core.geo import fine_ranges
from chalicelib.core.tables import bound
from chalicelib.volunteers.dal import AedCellIndex, AedRecord, OnDutyByCellIndex, VolunteerRecord, to_aed
from chalicelib.volunteers.logic import Candidate
from chalicelib.volunteers.models import Aed, VolunteerTier


def volunteers_near(lat: float, lon: float, radius_m: float) -> list[Candidate]:
    """On-duty volunteers with a position in the cells within reach (the index holds no name or phone)."""
    model = bound(VolunteerRecord)
    return [
        _candidate(r)
        for coarse, lo, hi in fine_ranges(lat, lon, radius_m)
        for r in model.on_duty_by_cell.query(coarse, OnDutyByCellIndex.cell_fine.between(lo, hi))
    ]


def aeds_near(lat: float, lon: float, radius_m: float) -> list[Aed]:
    """Every AED in the fine-cell ranges within the radius (a superset: the caller measures distances)."""
    model = bound(AedRecord)
    return [
        to_aed(r)
        for coarse, lo, hi in fine_ranges(lat, lon, radius_m)
        for r in model.by_cell.query(coarse, AedCellIndex.cell_fine.between(lo, hi))
    ]


def usable_aed_near(lat: float, lon: float, radius_m: float, now: datetime) -> tuple[Aed, float] | None:
    """The nearest AED within the radius that can be used now (verified, in service, building open)."""
    near = aed_logic.nearest(aeds_near(lat, lon, radius_m), lat, lon, radius_m)
    usable = [(a, d) for a, d in near if aed_logic.usable(a, now)]
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
        engaged_at=r.engaged_at,
    )
