"""Recommendation for one incident: county first, then the whole city (two-level command)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.dispatch.entities import Point, Recommendation, suitable_types
from chalicelib.dispatch.eta import EtaProvider
from chalicelib.dispatch.ports import CandidateSource
from chalicelib.dispatch.recommend import origin_of, recommend
from chalicelib.fleet.entities import UnitType


@dataclass(frozen=True)
class RecommendationResult:
    recommendations: list[Recommendation]
    items_read: int
    city_wide: bool  # the county had no suitable free unit, so the search left it
    degraded: bool
    degraded_reason: str | None


def recommend_for(
    point: Point,
    needs: UnitType,
    county: str | None,
    now: datetime,
    source: CandidateSource,
    eta: EtaProvider,
    *,
    want: int = 10,
    max_age_s: float = 300,
    city_wide: bool = False,
) -> RecommendationResult:
    """`city_wide=True` skips the county level (the caller's escalation after its wait)."""
    types = suitable_types(needs)
    candidates, items = ([], 0) if city_wide or county is None else source.available_near(point, types, county, want)
    widened = not candidates and county is not None
    if not candidates:
        candidates, more = source.available_near(point, types, None, want)
        items += more
    origins = [origin_of(c, now, max_age_s)[0] for c in candidates]
    etas = eta.matrix(origins, point, now)
    recs = recommend(point, needs, county, candidates, etas, now, max_age_s=max_age_s)
    reason = next((e.reason for e in etas if e.degraded), None)
    return RecommendationResult(recs, items, widened, reason is not None, reason)
