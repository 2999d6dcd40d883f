"""Reads around a point: on-duty volunteers and usable AEDs, by index Queries bounded by fine-cell ranges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from chalicelib.aeds import logic as aed_logic
from chalicelib.core.geo import distance_m, fine_ranges, nearest_first_ranges
from chalicelib.core.tables import bound
from chalicelib.volunteers.dal import AedCellIndex, AedRecord, OnDutyByCellIndex, VolunteerRecord, to_aed
from chalicelib.volunteers.logic import Candidate
from chalicelib.volunteers.models import Aed, VolunteerTier

T = TypeVar("T")


def volunteers_near(
    lat: float, lon: float, radius_m: float, wanted: int, keep: Callable[[Candidate], bool]
) -> list[Candidate]:
    """On-duty volunteers near the point (the index holds no name or phone), read nearest range first and
    no further than needed: once `wanted` candidates that `keep` accepts lie nearer than anything unread,
    the rest cannot change who is nearest."""
    model = bound(VolunteerRecord)
    return _nearest_first(
        lat, lon, radius_m, wanted,
        lambda coarse, lo, hi: [
            _candidate(r) for r in model.on_duty_by_cell.query(coarse, OnDutyByCellIndex.cell_fine.between(lo, hi))
        ],
        lambda c: (c.lat, c.lon) if keep(c) else None,
    )  # fmt: skip


def _nearest_first(
    lat: float,
    lon: float,
    radius_m: float,
    wanted: int,
    read: Callable[[str, str, str], list[T]],
    place: Callable[[T], tuple[float, float] | None],
) -> list[T]:
    found: list[T] = []
    ranges = nearest_first_ranges(lat, lon, radius_m)
    for i, (_, coarse, lo, hi) in enumerate(ranges):
        found += read(coarse, lo, hi)
        horizon = min(ranges[i + 1][0] if i + 1 < len(ranges) else radius_m, radius_m)
        near = [p for p in map(place, found) if p is not None and distance_m(lat, lon, *p) <= horizon]
        if len(near) >= wanted:
            break
    return found


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
    model = bound(AedRecord)
    read = _nearest_first(
        lat, lon, radius_m, 1,
        lambda coarse, lo, hi: [
            to_aed(r) for r in model.by_cell.query(coarse, AedCellIndex.cell_fine.between(lo, hi))
        ],
        lambda a: (a.lat, a.lon) if aed_logic.usable(a, now) else None,
    )  # fmt: skip
    usable = [(a, d) for a, d in aed_logic.nearest(read, lat, lon, radius_m) if aed_logic.usable(a, now)]
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
