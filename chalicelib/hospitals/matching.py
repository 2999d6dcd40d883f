"""Ranking the hospitals an incident's patient can go to. Pure: positions, capacity and the clock are passed in.

A hospital qualifies when it has every capability the incident's pathway needs (for a level 1-2
patient with no pathway: a tertiary, grade 3, hospital). Qualified hospitals are ranked by travel
time from the unit, those whose fresh capacity says they cannot take the patient now after the
rest. Nearer hospitals passed over for a missing capability are listed with what they lack. When
no qualified hospital is within `within_s`, the nearest hospital able to stabilise is offered
too, with the transfer on to the nearest qualified one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.core.geo import distance_m
from chalicelib.hospitals.entities import Capability, Capacity, Hospital

Eta = Callable[[float, float, Hospital], float]  # seconds from (lat, lon) to the hospital


@dataclass(frozen=True)
class Need:
    capabilities: frozenset[Capability]
    level: int | None
    pathway: str | None

    def tertiary_only(self) -> bool:
        return not self.capabilities and self.pathway is None and self.level is not None and self.level <= 2

    def missing(self, h: Hospital) -> list[Capability]:
        gaps = sorted(self.capabilities - h.capabilities)
        return gaps


@dataclass(frozen=True)
class Choice:
    hospital: Hospital
    eta_s: float
    distance_m: float
    capacity: Capacity | None = None
    stale: bool = False
    warnings: tuple[str, ...] = ()
    missing: tuple[Capability, ...] = ()

    @property
    def blocked(self) -> bool:
        return any(w.startswith("full:") for w in self.warnings)


@dataclass(frozen=True)
class Ranking:
    options: list[Choice]
    skipped: list[Choice]  # nearer than the first option, lacking a capability
    stabilise: Choice | None = None  # when no qualified hospital is near enough
    transfer_to: Choice | None = None  # where the stabilised patient goes on to
    transfer_eta_s: float | None = None
    notes: list[str] = field(default_factory=list)


def qualified(need: Need, h: Hospital) -> bool:
    if need.tertiary_only():
        return h.grade.startswith("3")
    return need.capabilities <= h.capabilities


def shortlist(hospitals: Sequence[Hospital], lat: float, lon: float, need: Need, size: int) -> list[Hospital]:
    """The nearest `size` qualified hospitals and the nearest `size` of all, by straight-line distance.

    Travel time is estimated for these only: the road network does not reorder hospitals many times
    farther away, and a provider call per hospital would grow with the registry.
    """
    by_distance = sorted(hospitals, key=lambda h: distance_m(lat, lon, h.lat, h.lon))
    near_qualified = [h for h in by_distance if qualified(need, h)][:size]
    keep = {h.hospital_id for h in near_qualified} | {h.hospital_id for h in by_distance[:size]}
    return [h for h in by_distance if h.hospital_id in keep]


def rank(
    candidates: Sequence[Hospital],
    capacity: Mapping[str, Capacity],
    *,
    lat: float,
    lon: float,
    need: Need,
    eta: Eta,
    now: datetime,
    within_s: float,
    stale_after_s: float,
    limit: int = 5,
) -> Ranking:
    choices = [_choice(h, capacity.get(h.hospital_id), lat, lon, need, eta, now, stale_after_s) for h in candidates]
    choices.sort(key=lambda c: c.eta_s)
    ok = [c for c in choices if not c.missing and qualified(need, c.hospital)]
    options = sorted(ok, key=lambda c: (c.blocked, c.eta_s))[:limit]
    first_eta = options[0].eta_s if options else float("inf")
    skipped = [c for c in choices if c not in ok and c.eta_s < first_eta]
    ranking = Ranking(options=options, skipped=skipped)
    if options and options[0].eta_s <= within_s:
        return ranking
    able = [c for c in choices if not c.blocked]
    if not able:
        return ranking
    nearest = able[0]
    if options and nearest.hospital.hospital_id == options[0].hospital.hospital_id:
        return ranking
    transfer_to = options[0] if options else None
    transfer_eta = eta(nearest.hospital.lat, nearest.hospital.lon, transfer_to.hospital) if transfer_to else None
    note = (
        f"no qualified hospital within {round(within_s / 60)} min: stabilise at the nearest, then transfer"
        if options
        else "no qualified hospital in the registry: stabilise at the nearest"
    )
    return Ranking(options, skipped, nearest, transfer_to, transfer_eta, [note])


def _choice(
    h: Hospital,
    cap: Capacity | None,
    lat: float,
    lon: float,
    need: Need,
    eta: Eta,
    now: datetime,
    stale_after_s: float,
) -> Choice:
    stale = cap is not None and (now - cap.at).total_seconds() > stale_after_s
    missing = tuple(need.missing(h)) if not need.tertiary_only() else ()
    return Choice(
        hospital=h,
        eta_s=eta(lat, lon, h),
        distance_m=distance_m(lat, lon, h.lat, h.lon),
        capacity=cap,
        stale=stale,
        warnings=tuple(_warnings(need, cap, stale)),
        missing=missing,
    )


def _warnings(need: Need, cap: Capacity | None, stale: bool) -> list[str]:
    """Why the hospital may not take the patient now. "full:" ones rank it last; stale capacity says nothing."""
    if cap is None:
        return ["capacity unknown"]
    if stale:
        return ["capacity stale"]
    out = []
    if cap.ed_beds == 0:
        out.append("full: no emergency bed")
    if Capability.PCI_24X7 in need.capabilities and cap.cath_lab == "closed":
        out.append("full: cath lab closed")
    elif Capability.PCI_24X7 in need.capabilities and cap.cath_lab == "busy":
        out.append("cath lab busy")
    if need.pathway in ("stroke", "trauma") and not cap.ct_available:
        out.append("full: no CT free")
    if need.level is not None and need.level == 1 and cap.icu_beds == 0:
        out.append("no ICU bed")
    return out
