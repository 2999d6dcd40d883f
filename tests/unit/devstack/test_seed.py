"""The demo seed: deterministic, shaped like Zhangzhou, safe to share as fixtures."""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache

import pytest

from chalicelib.fleet.entities import UnitStatus, UnitType
from devstack.seed import Seed, fixtures, generate
from devstack.seed.geography import COUNTIES, allocate
from devstack.seed.responders import AS_OF

PATHWAY_CAPABILITIES = {"pci_24x7", "stroke_thrombectomy", "trauma_level_1", "nicu", "maternal_critical_care", "ecmo"}


@lru_cache(maxsize=1)
def default_seed() -> Seed:
    return generate()


def _points(seed: Seed) -> list[tuple[float, float]]:
    groups = (seed.addresses, seed.stations, seed.units, seed.hospitals, seed.aeds, seed.volunteers)
    items = [item for group in groups for item in group]
    placed = [(i.lat, i.lon) for i in items if i.lat is not None and i.lon is not None]
    return placed + [(c.lat, c.lon) for c in seed.counties]  # off-duty volunteers have no position


def test_two_runs_with_the_same_arguments_are_equal() -> None:
    assert generate(addresses=500, volunteers=50) == generate(addresses=500, volunteers=50)
    assert fixtures(generate(addresses=500)) == fixtures(generate(addresses=500))
    assert generate(addresses=100, seed=1).addresses != generate(addresses=100, seed=2).addresses
    # Each kind has its own random stream: more volunteers leave the addresses alone.
    assert generate(addresses=200, volunteers=10).addresses == generate(addresses=200, volunteers=400).addresses


def test_counts_and_unit_mix_match_the_reference_city() -> None:
    seed = default_seed()
    assert len(seed.counties) == 11
    assert len(seed.units) == 34
    assert len(seed.hospitals) == 17
    assert len(seed.aeds) == 230
    assert len(seed.addresses) == 3000
    assert len(seed.volunteers) == 300
    assert 18 <= len(seed.stations) <= 24
    types = Counter(u.type for u in seed.units)
    assert types[UnitType.ALS] > types[UnitType.BLS] > 0
    assert 1 <= types[UnitType.NEONATAL] <= 2


def test_every_county_has_available_units_stations_addresses_and_a_hospital() -> None:
    seed = default_seed()
    codes = {c.code for c in seed.counties}
    assert {u.county for u in seed.units if u.status is UnitStatus.AVAILABLE} == codes
    assert {s.county for s in seed.stations} == codes
    assert {a.county for a in seed.addresses} == codes
    assert {h.county for h in seed.hospitals} == codes
    stations = {s.station_id: s for s in seed.stations}
    assert all(stations[u.station_id].county == u.county for u in seed.units)


def test_city_districts_are_densest() -> None:
    per_county = Counter(a.county for a in default_seed().addresses)
    density = {c.code: per_county[c.code] / c.population for c in COUNTIES}
    assert min(density["350602"], density["350603"]) > max(
        v for k, v in density.items() if k not in {"350602", "350603"}
    )


def test_all_points_are_inside_zhangzhou() -> None:
    for lat, lon in _points(default_seed()):
        assert 23.5 <= lat <= 25.2 and 116.9 <= lon <= 118.2, (lat, lon)


def test_ids_and_codes_are_unique() -> None:
    seed = default_seed()
    for ids in (
        [a.code for a in seed.addresses],
        [u.unit_id for u in seed.units],
        [u.plate for u in seed.units],
        [s.station_id for s in seed.stations],
        [h.hospital_id for h in seed.hospitals],
        [a.aed_id for a in seed.aeds],
        [v.volunteer_id for v in seed.volunteers],
        [v.phone.get_secret_value() for v in seed.volunteers],
        [v.cert_no for v in seed.volunteers],
        [c.code for c in seed.counties],
    ):
        assert len(ids) == len(set(ids))


def test_addresses_read_like_zhangzhou_doorplates() -> None:
    for a in default_seed().addresses[:200]:
        assert a.text_zh.startswith("漳州市") and a.text_zh.endswith(("号", "室"))
        assert a.text_en.endswith("Zhangzhou") and f"No. {a.number} " in a.text_en
        assert (a.room is None) == (a.building is None) == (a.floor is None)


def test_volunteers_are_well_formed_some_expired_some_off_duty() -> None:
    vols = generate(volunteers=2000, addresses=11).volunteers
    phones = [v.phone.get_secret_value() for v in vols]
    assert all(p.isdigit() and len(p) == 11 and p.startswith("1") for p in phones)
    expired, off_duty = sum(not v.certified_on(AS_OF) for v in vols), sum(not v.on_duty for v in vols)
    assert 0.1 < expired / len(vols) < 0.5 and 0.2 < off_duty / len(vols) < 0.5
    assert "1" not in repr(vols[0].phone)  # PII stays out of logs


def test_hospitals_cover_every_pathway_capability() -> None:
    offered = {c.value for h in default_seed().hospitals for c in h.capabilities}
    assert offered >= PATHWAY_CAPABILITIES
    # Scarce services stay scarce, so routing has real choices to make.
    thrombectomy = [h for h in default_seed().hospitals if "stroke_thrombectomy" in h.capabilities]
    assert 1 <= len(thrombectomy) <= 3


def test_fixtures_shape() -> None:
    fx = fixtures(default_seed())
    assert set(fx) == {"counties", "addresses", "units", "hospitals", "aeds", "volunteers"}
    assert all({"code", "name", "lat", "lon"} <= set(c) for c in fx["counties"])
    assert all({"code", "county", "text", "lat", "lon"} <= set(a) for a in fx["addresses"])
    assert all({"id", "type", "county", "lat", "lon"} <= set(u) for u in fx["units"])
    assert all({"id", "name", "capabilities", "lat", "lon"} <= set(h) for h in fx["hospitals"])
    assert len(fx["addresses"]) >= 50
    assert {a["county"] for a in fx["addresses"]} == {c["code"] for c in fx["counties"]}
    assert len(fx["units"]) == 34 and len(fx["hospitals"]) == 17
    json.dumps(fx)  # JSON-ready as is


def test_fixtures_carry_no_personal_data() -> None:
    seed = default_seed()
    fx = fixtures(seed)
    assert all("phone" not in v and "name" not in v for v in fx["volunteers"])
    text = json.dumps(fx, ensure_ascii=False)
    assert not any(v.phone.get_secret_value() in text for v in seed.volunteers)


@pytest.mark.parametrize("total", [0, 5, 11, 3000, 100_003])
def test_allocation_is_exact_and_covers_counties_when_possible(total: int) -> None:
    counts = allocate(total)
    assert sum(counts.values()) == total
    if total >= len(COUNTIES):
        assert min(counts.values()) >= 1


def test_scales_to_a_hundred_thousand_addresses() -> None:
    seed = generate(addresses=100_000, volunteers=24_000)
    assert len({a.code for a in seed.addresses}) == 100_000
    assert len(seed.volunteers) == 24_000
