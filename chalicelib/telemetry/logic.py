"""Pure rules of ingestion: which fix to store (coalescing) and when a unit has arrived (geofences)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.core.geo import distance_m
from chalicelib.fleet.entities import UnitStatus
from chalicelib.telemetry.schemas import Position

# An ambulance parks within this distance of the address point (a courtyard, a building's far
# door) and of a hospital's reference point (the campus; the ED entrance is rarely the centre).
SCENE_RADIUS_M = 150.0
HOSPITAL_RADIUS_M = 250.0
# Parked or crawling to the door; passing by at speed is not an arrival.
SLOW_KMH = 10.0
# A poor fix widens the fence by its own uncertainty, up to this much.
MAX_ACCURACY_ALLOWANCE_M = 100.0


@dataclass(frozen=True)
class UnitNow:
    """What ingestion needs of a unit, read once per batch."""

    unit_id: str
    status: UnitStatus
    position_at: datetime
    incident_id: str | None
    destination_id: str | None
    status_at: datetime | None = None  # when the current status began (absent on seeded units)


@dataclass(frozen=True)
class Arrival:
    unit_id: str
    status: UnitStatus  # ON_SCENE or AT_HOSPITAL
    at: datetime  # the device time of the first fix inside the fence
    fix: Position
    incident_id: str | None  # the job the fence was drawn for: the arrival counts only for it
    destination_id: str | None


def newest(fixes: Iterable[Position]) -> Position:
    return max(fixes, key=lambda p: (p.ts, p.seq))


def due(stored_at: datetime, fix: Position, coalesce_s: float) -> bool:
    """Write this fix? Only when the stored one is at least `coalesce_s` older: at 1 Hz that is
    one write every `coalesce_s` seconds, and the stored position is never older than that plus
    the batching delay. A fix older than the stored one is never written (time only moves forward)."""
    return (fix.ts - stored_at).total_seconds() >= coalesce_s


def fence_for(unit: UnitNow) -> tuple[UnitStatus, float] | None:
    """The arrival this unit can make next, and the fence's radius (None: it is not heading anywhere)."""
    if unit.status is UnitStatus.EN_ROUTE and unit.incident_id:
        return UnitStatus.ON_SCENE, SCENE_RADIUS_M
    if unit.status is UnitStatus.TRANSPORTING and unit.destination_id:
        return UnitStatus.AT_HOSPITAL, HOSPITAL_RADIUS_M
    return None


def arrival(unit: UnitNow, fixes: Sequence[Position], target: tuple[float, float] | None) -> Arrival | None:
    """The first fix, in time order, that is inside the fence around `target` and slow."""
    fence = fence_for(unit)
    if fence is None or target is None:
        return None
    status, radius = fence
    since = max(unit.position_at, unit.status_at or unit.position_at)
    for fix in sorted(fixes, key=lambda p: (p.ts, p.seq)):
        if fix.ts < since:
            continue  # from before the stored fix or before the unit set off: says nothing about this arrival
        allowance = min(fix.accuracy_m or 0.0, MAX_ACCURACY_ALLOWANCE_M)
        slow = fix.speed_kmh is None or fix.speed_kmh <= SLOW_KMH
        if slow and distance_m(fix.lat, fix.lon, *target) <= radius + allowance:
            return Arrival(unit.unit_id, status, fix.ts, fix, unit.incident_id, unit.destination_id)
    return None


ETA_EVERY_S = 60.0  # the ED hears the ETA at most once a minute per unit ...
ETA_CHANGE_S = 60.0  # ... or at once when it moved by a minute or more


def eta_due(last: tuple[datetime, float] | None, now: datetime, eta_s: float) -> bool:
    """Whether a transporting unit's new ETA is worth telling the hospital (last: when told, what)."""
    if last is None:
        return True
    told_at, told_eta = last
    return (now - told_at).total_seconds() >= ETA_EVERY_S or abs(eta_s - told_eta) >= ETA_CHANGE_S
