"""What other domains may ask of the hospitals: the registry's entries, a hospital's name and place,
and an incident's ranked options. The use cases are imported on first call."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.hospitals.entities import Capability, Capacity, Hospital

if TYPE_CHECKING:
    from chalicelib.hospitals.schemas import HospitalOptions

__all__ = ["Capability", "Capacity", "Hospital", "exists", "find", "location", "name", "options_for"]


def find(hospital_id: str) -> Hospital | None:
    """The hospital from the registry (cached per container), or None."""
    from chalicelib.hospitals.wiring import get_store

    return get_store().find(hospital_id)


def exists(hospital_id: str) -> bool:
    return find(hospital_id) is not None


def name(hospital_id: str) -> str | None:
    """`name_zh / name_en`, read fresh (one GetItem), or None for an unknown hospital."""
    from chalicelib.hospitals.wiring import get_store

    return get_store().name(hospital_id)


def location(hospital_id: str) -> tuple[float, float] | None:
    """The hospital's (lat, lon), read fresh (one GetItem), or None for an unknown hospital."""
    from chalicelib.hospitals.wiring import get_store

    return get_store().location(hospital_id)


def options_for(incident_id: str, now: datetime) -> HospitalOptions:
    """The incident's ranked options without the access check: for a caller that has made it already."""
    from chalicelib.hospitals.service import compute_options
    from chalicelib.hospitals.wiring import get_ports

    return compute_options(get_ports(), incident_id, now)
