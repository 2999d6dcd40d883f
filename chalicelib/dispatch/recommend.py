"""Ranking free units for an incident: pure, so the dispatcher's "why" is reproducible."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core.geo import distance_m
from chalicelib.dispatch.entities import Candidate, Eta, Point, Recommendation
from chalicelib.fleet.entities import UnitType

TOP = 5
STALE_STATION = "position stale: using station"
STALE_NO_STATION = "position stale, station unknown: using last position"


def origin_of(c: Candidate, now: datetime, max_age_s: float) -> tuple[Point, str | None]:
    """Where the unit starts from, and a reason when that is not its last reported position."""
    if now - c.position_at <= timedelta(seconds=max_age_s):
        return c.position, None
    return (c.station, STALE_STATION) if c.station else (c.position, STALE_NO_STATION)


def recommend(
    incident_point: Point,
    needs_type: UnitType,
    county: str | None,
    candidates: list[Candidate],
    etas: list[Eta],
    now: datetime,
    *,
    max_age_s: float = 300,
    top: int = TOP,
) -> list[Recommendation]:
    """Top units by travel time; `etas[i]` estimates `candidates[i]` from `origin_of` its position."""
    if len(etas) != len(candidates):
        raise ValueError("one ETA per candidate")
    rows = []
    for c, eta in zip(candidates, etas, strict=True):
        origin, position_note = origin_of(c, now, max_age_s)
        metres = distance_m(origin.lat, origin.lon, incident_point.lat, incident_point.lon)
        rows.append((eta.seconds, metres, c.unit_id, c, eta, position_note))
    rows.sort(key=lambda r: r[:3])
    out = []
    for rank, (seconds, metres, _, c, eta, position_note) in enumerate(rows[:top]):
        reasons = ["nearest by travel time"] if rank == 0 else []
        if county is not None:
            reasons.append("same county" if c.county == county else "other county: none free in county")
        if c.type is not needs_type:
            reasons.append(f"{c.type.value} unit for a {needs_type.value} need")
        if position_note:
            reasons.append(position_note)
        if eta.degraded:
            reasons.append(f"ETA from the model: {eta.reason}")
        out.append(
            Recommendation(
                unit_id=c.unit_id,
                type=c.type,
                county=c.county,
                eta_s=round(seconds),
                distance_m=round(metres),
                reasons=reasons,
                degraded=eta.degraded,
            )
        )
    return out
