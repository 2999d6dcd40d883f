"""The city's county-level divisions and their seats (WGS-84): reference data the
runtime needs without a read (e.g. to place a phone-location call in a county)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from chalicelib.core.geo import distance_m

if TYPE_CHECKING:
    from chalicelib.core.auth import Principal


class County(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    lat: float
    lon: float


# Longhai and Changtai became districts in 2021 (codes 350604, 350605).
COUNTIES: tuple[County, ...] = (
    County("350602", "芗城区", "Xiangcheng District", 24.5109, 117.6536),
    County("350603", "龙文区", "Longwen District", 24.5033, 117.7097),
    County("350604", "龙海区", "Longhai District", 24.4466, 117.8182),
    County("350605", "长泰区", "Changtai District", 24.6253, 117.7592),
    County("350622", "云霄县", "Yunxiao County", 23.9576, 117.3403),
    County("350623", "漳浦县", "Zhangpu County", 24.1171, 117.6136),
    County("350624", "诏安县", "Zhao'an County", 23.7112, 117.1757),
    County("350626", "东山县", "Dongshan County", 23.7016, 117.4298),
    County("350627", "南靖县", "Nanjing County", 24.5149, 117.3572),
    County("350628", "平和县", "Pinghe County", 24.3636, 117.3133),
    County("350629", "华安县", "Hua'an County", 25.0043, 117.5342),
)
BY_CODE = {c.code: c for c in COUNTIES}


def nearest_county(lat: float, lon: float) -> County:
    """The county whose seat is nearest: a stand-in for boundary polygons, good enough to
    route a phone-location call to a county desk; the dispatcher confirms the place."""
    return min(COUNTIES, key=lambda c: distance_m(lat, lon, c.lat, c.lon))


# The city's extent with a margin: a phone fix outside it is not ours to dispatch to.
SERVICE_AREA = (23.3, 25.4, 116.7, 118.4)  # lat min, lat max, lon min, lon max


def in_service_area(lat: float, lon: float) -> bool:
    lat_min, lat_max, lon_min, lon_max = SERVICE_AREA
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def counties_for(who: Principal, county: str | None) -> list[str]:
    """The county asked for (403 if out of scope), else every county `who` is scoped to."""
    if county is not None:
        who.require_scope("county", county)
        return [county]
    if who.city_wide:
        return [c.code for c in COUNTIES]
    return sorted(who.scope_ids("county"))
