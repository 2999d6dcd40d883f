"""Public AEDs and certified volunteers, spread like the population."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from pydantic import SecretStr

from chalicelib.aeds.entities import Aed, AedStatus
from chalicelib.volunteers.entities import Volunteer, VolunteerTier
from devstack.seed.geography import COUNTIES, allocate, scatter
from devstack.seed.names import AED_PLACES, GIVEN, MOBILE_PREFIXES, SURNAMES

# Certificates are checked against this day, not today, so the seed never drifts.
AS_OF = date(2025, 6, 1)
CERT_YEARS = 3  # a first-aider certificate (救护员证) is valid for three years
_ISSUED_FROM = date(2021, 6, 1)
_TIERS = (VolunteerTier.PUBLIC, VolunteerTier.REGISTERED, VolunteerTier.PROFESSIONAL)
_TIER_CUM_WEIGHTS = (35, 85, 100)
ON_DUTY_SHARE = 0.65


def generate_aeds(rng: Random, total: int) -> list[Aed]:
    counts = allocate(total)
    out: list[Aed] = []
    for county in COUNTIES:
        for _ in range(counts[county.code]):
            seat = rng.random() < 0.6
            township = county.townships[0] if seat else rng.choice(county.townships)
            place_zh, place_en, hours = rng.choice(AED_PLACES)
            lat, lon = scatter(rng, county, 0.5 if seat else 1.2)
            out.append(
                Aed(
                    aed_id=f"AED{len(out) + 1:04d}",
                    name_zh=f"{county.zh}{township.zh}{place_zh}",
                    name_en=f"{place_en}, {township.en_full}, {county.en}",
                    county=county.code,
                    lat=lat,
                    lon=lon,
                    hours=hours,
                    status=AedStatus.MAINTENANCE if rng.random() < 0.03 else AedStatus.ACTIVE,
                )
            )
    return out


def generate_volunteers(rng: Random, total: int) -> list[Volunteer]:
    counts = allocate(total)
    # Distinct suffixes make every phone number unique without a retry loop.
    suffixes = iter(rng.sample(range(10**8), total))
    serials = iter(rng.sample(range(1, 10**6), total))
    span = (AS_OF - _ISSUED_FROM).days
    out: list[Volunteer] = []
    for county in COUNTIES:
        for _ in range(counts[county.code]):
            issued = _ISSUED_FROM + timedelta(days=rng.randrange(span))
            lat, lon = scatter(rng, county, 1.0)
            on_duty = rng.random() < ON_DUTY_SHARE
            out.append(
                Volunteer(
                    volunteer_id=f"VOL{len(out) + 1:05d}",
                    name=SecretStr(rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))),
                    phone=SecretStr(f"{rng.choice(MOBILE_PREFIXES)}{next(suffixes):08d}"),
                    tier=rng.choices(_TIERS, cum_weights=_TIER_CUM_WEIGHTS)[0],
                    cert_no=f"ZZHS{issued.year}{next(serials):06d}",
                    cert_expiry=issued + timedelta(days=365 * CERT_YEARS),
                    on_duty=on_duty,
                    county=county.code,
                    # Off duty, the platform keeps no position.
                    lat=lat if on_duty else None,
                    lon=lon if on_duty else None,
                )
            )
    return out
