"""Standard addresses: one per door, text in zh-CN and English, points around each county seat."""

from __future__ import annotations

from random import Random

from chalicelib.addresses.schemas import Address, AddressStatus
from devstack.seed.geography import COUNTIES, County, Township, allocate, scatter
from devstack.seed.names import COMMUNITIES, DIRECTIONS, ROAD_KINDS, ROADS

RETIRED_SHARE = 0.01


def generate_addresses(rng: Random, total: int) -> list[Address]:
    codes: set[str] = set()
    counts = allocate(total)
    return [_address(rng, county, _code(rng, codes)) for county in COUNTIES for _ in range(counts[county.code])]


def _code(rng: Random, taken: set[str]) -> str:
    # Opaque on purpose: the code carries no location, so a doorplate reveals nothing by itself.
    while True:
        code = f"ZA{rng.getrandbits(60):015X}"
        if code not in taken:
            taken.add(code)
            return code


def _address(rng: Random, county: County, code: str) -> Address:
    # Central: a city street office or a county seat, where doors are dense and mostly flats.
    if county.urban:
        township = rng.choice(county.townships)
        central = township.is_street_office
    else:
        central = rng.random() < 0.55
        township = county.townships[0] if central else rng.choice(county.townships[1:])
    flat = rng.random() < (0.9 if county.urban else 0.6 if central else 0.2)
    lat, lon = scatter(rng, county, 0.5 if central else 1.5)
    (road_zh, road_en), (dir_zh, dir_en), (kind_zh, kind_en) = (
        rng.choice(ROADS),
        rng.choice(DIRECTIONS),
        rng.choice(ROAD_KINDS),
    )
    comm_zh, comm_en = rng.choice(COMMUNITIES)
    community_zh, community_en = _community(township, central, comm_zh, comm_en)
    road = f"{road_zh}{dir_zh}{kind_zh}"
    number = str(rng.randint(1, 388))
    parts_zh = [f"漳州市{county.zh}{township.zh}{community_zh}{road}{number}号"]
    parts_en = [f"No. {number} {road_en} {dir_en}{kind_en}", community_en, township.en_full, county.en, "Zhangzhou"]
    building = unit = room = None
    floor = None
    if flat:
        building, unit = str(rng.randint(1, 30)), str(rng.randint(1, 4))
        floor = rng.randint(1, 33 if county.urban else 18)
        room = f"{floor}{rng.randint(1, 4):02d}"
        parts_zh.append(f"{building}幢{unit}单元{room}室")
        parts_en.insert(0, f"Room {room}, Unit {unit}, Building {building}")
    return Address(
        code=code,
        county=county.code,
        township=township.zh,
        community=community_zh,
        road=road,
        number=number,
        building=building,
        unit=unit,
        floor=floor,
        room=room,
        text_zh="".join(parts_zh),
        text_en=", ".join(parts_en),
        lat=lat,
        lon=lon,
        status=AddressStatus.RETIRED if rng.random() < RETIRED_SHARE else AddressStatus.ACTIVE,
    )


def _community(township: Township, central: bool, zh: str, en: str) -> tuple[str, str]:
    # Street offices and town seats have communities (社区); elsewhere villages (村).
    if township.is_street_office or central:
        return f"{zh}社区", f"{en} Community"
    return f"{zh}村", f"{en} Village"
