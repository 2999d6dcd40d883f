"""The seed as a whole: one deterministic function of (seed, sizes), and its test fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from chalicelib.addresses.schemas import Address
from chalicelib.aeds.entities import Aed
from chalicelib.fleet.entities import Station, Unit
from chalicelib.hospitals.entities import Hospital
from chalicelib.volunteers.entities import Volunteer
from devstack.seed.addresses import generate_addresses
from devstack.seed.fleet import stations, units
from devstack.seed.geography import COUNTIES, County
from devstack.seed.hospitals import hospitals
from devstack.seed.responders import generate_aeds, generate_volunteers

DEFAULT_SEED = 120  # China's emergency number
AEDS = 230
FIXTURE_ADDRESSES_PER_COUNTY = 5


@dataclass(frozen=True)
class Seed:
    seed: int
    counties: tuple[County, ...]
    addresses: list[Address]
    stations: list[Station]
    units: list[Unit]
    hospitals: list[Hospital]
    aeds: list[Aed]
    volunteers: list[Volunteer]


def generate(addresses: int = 3000, volunteers: int = 300, seed: int = DEFAULT_SEED, aeds: int = AEDS) -> Seed:
    """Same arguments, same data: no wall clock, no global random state.

    Each kind draws from its own stream, so growing one (more volunteers) leaves the
    others (addresses, AEDs) exactly as they were.
    """

    def rng(kind: str) -> Random:
        return Random(f"{seed}:{kind}")

    return Seed(
        seed=seed,
        counties=COUNTIES,
        addresses=generate_addresses(rng("addresses"), addresses),
        stations=stations(),
        units=units(),
        hospitals=hospitals(),
        aeds=generate_aeds(rng("aeds"), aeds),
        volunteers=generate_volunteers(rng("volunteers"), volunteers),
    )


def fixtures(seed: Seed) -> dict[str, list[dict[str, Any]]]:
    """JSON-ready facts for tests and demos. No personal data: volunteers carry no name or phone."""
    per_county: dict[str, int] = {}
    sample: list[Address] = []
    for a in seed.addresses:
        if per_county.get(a.county, 0) < FIXTURE_ADDRESSES_PER_COUNTY:
            per_county[a.county] = per_county.get(a.county, 0) + 1
            sample.append(a)
    return {
        "counties": [
            {"code": c.code, "name": c.zh, "name_en": c.en, "lat": c.lat, "lon": c.lon} for c in seed.counties
        ],
        "addresses": [
            {"code": a.code, "county": a.county, "text": a.text_zh, "text_en": a.text_en, "lat": a.lat, "lon": a.lon}
            for a in sample
        ],
        "units": [
            {"id": u.unit_id, "type": u.type.value, "county": u.county, "lat": u.lat, "lon": u.lon}
            | {"station_id": u.station_id, "status": u.status.value, "plate": u.plate}
            for u in seed.units
        ],
        "hospitals": [
            {
                "id": h.hospital_id,
                "name": h.name_zh,
                "capabilities": sorted(c.value for c in h.capabilities),
                "lat": h.lat,
                "lon": h.lon,
            }
            | {"name_en": h.name_en, "county": h.county, "grade": h.grade}
            for h in seed.hospitals
        ],
        "aeds": [
            {
                "id": a.aed_id,
                "name": a.name_zh,
                "county": a.county,
                "lat": a.lat,
                "lon": a.lon,
                "status": a.status.value,
            }
            for a in seed.aeds
        ],
        "volunteers": [
            {"id": v.volunteer_id, "county": v.county, "tier": v.tier.value, "on_duty": v.on_duty}
            | {"cert_expiry": v.cert_expiry.isoformat(), "lat": v.lat, "lon": v.lon}
            for v in seed.volunteers
        ],
    }
