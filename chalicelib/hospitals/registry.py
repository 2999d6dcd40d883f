"""The hospital registry, read whole and cached per container; live capacity read fresh, for a few.

The registry (names, places, capabilities) changes a few times a year, so one Scan per
`REGISTRY_TTL_S` serves every options query of the container; capacity changes by the minute and
is read with one BatchGetItem for the shortlisted hospitals only. Reads per query therefore do not
grow with the number of hospitals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from chalicelib.core.root import on_reset
from chalicelib.core.tables import bound
from chalicelib.hospitals.dal import CAPACITY_FIELDS, HospitalRecord, to_capacity, to_hospital
from chalicelib.hospitals.entities import Capacity, Hospital

REGISTRY_TTL_S = 300.0
_lock = threading.Lock()
_cache: tuple[float, list[Hospital]] | None = None


def hospitals() -> list[Hospital]:
    global _cache
    with _lock:
        if _cache is not None and time.monotonic() - _cache[0] < REGISTRY_TTL_S:
            return _cache[1]
    wanted = [a for a in HospitalRecord.get_attributes() if a not in CAPACITY_FIELDS]
    loaded = [to_hospital(r) for r in bound(HospitalRecord).scan(attributes_to_get=wanted)]
    with _lock:
        _cache = (time.monotonic(), loaded)
    return loaded


def find(hospital_id: str) -> Hospital | None:
    """One hospital of the cached registry, or None."""
    return next((h for h in hospitals() if h.hospital_id == hospital_id), None)


def capacity(hospital_ids: Iterable[str]) -> dict[str, Capacity]:
    ids = sorted(set(hospital_ids))
    if not ids:
        return {}
    wanted = ["hospital_id", *CAPACITY_FIELDS]
    out = {}
    for r in bound(HospitalRecord).batch_get(ids, attributes_to_get=wanted):
        cap = to_capacity(r)
        if cap is not None:
            out[r.hospital_id] = cap
    return out


def name(hospital_id: str) -> str | None:
    """`name_zh / name_en`, read fresh (one GetItem): for a crew naming its destination, not a query's hot loop."""
    try:
        record = bound(HospitalRecord).get(hospital_id, attributes_to_get=["name_zh", "name_en"])
    except HospitalRecord.DoesNotExist:
        return None
    return f"{record.name_zh} / {record.name_en}"


def location(hospital_id: str) -> tuple[float, float] | None:
    """The hospital's (lat, lon), read fresh (one GetItem)."""
    try:
        r = bound(HospitalRecord).get(hospital_id, attributes_to_get=["lat", "lon"])
    except HospitalRecord.DoesNotExist:
        return None
    return float(r.lat), float(r.lon)


@on_reset
def forget() -> None:
    """The registry load (and every reset of the composition root): read the registry again on next use."""
    global _cache
    with _lock:
        _cache = None
