"""Reads around a point: on-duty volunteers, by index Queries bounded by fine-cell ranges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from chalicelib.core.geo import nearest_first
from chalicelib.core.tables import bound
from chalicelib.volunteers.dal import OnDutyByCellIndex, VolunteerRecord
from chalicelib.volunteers.entities import VolunteerTier
from chalicelib.volunteers.logic import Candidate


def volunteers_near(
    lat: float, lon: float, radius_m: float, wanted: int, keep: Callable[[Candidate], bool]
) -> list[Candidate]:
    """On-duty volunteers near the point (the index holds no name or phone), read nearest range first and
    no further than needed: once `wanted` candidates that `keep` accepts lie nearer than anything unread,
    the rest cannot change who is nearest."""
    model = bound(VolunteerRecord)
    return nearest_first(
        lat, lon, radius_m, wanted,
        lambda coarse, lo, hi: [
            _candidate(r) for r in model.on_duty_by_cell.query(coarse, OnDutyByCellIndex.cell_fine.between(lo, hi))
        ],
        lambda c: (c.lat, c.lon) if keep(c) else None,
    )  # fmt: skip


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
