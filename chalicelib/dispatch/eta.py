"""The ETA port and its default model: no provider, no I/O, runs in every partition.

Model: great-circle distance x the county's detour factor / the county's speed for the
local time of day, plus a fixed chute (turn-out) time. The county is the incident's: the
last kilometres, in town or up a mountain road, dominate the error.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from chalicelib.core.counties import nearest_county
from chalicelib.core.geo import distance_m
from chalicelib.dispatch.entities import Eta, Point

# China has one time zone and no DST, so a fixed offset needs no tz database on Lambda.
CHINA_TZ = timezone(timedelta(hours=8))


class RoutingError(Exception):
    """A routing provider failed or gave no usable answer."""


class EtaProvider(ABC):
    @abstractmethod
    def matrix(self, origins: list[Point], destination: Point, at: datetime) -> list[Eta]:
        """One estimate per origin, in the order given."""


@dataclass(frozen=True)
class CountyProfile:
    detour: float = 1.4  # road distance / great-circle distance
    kmh_day: float = 45.0
    kmh_peak: float = 32.0  # 07-09 and 17-19 local time
    kmh_night: float = 55.0  # 22-06 local time
    chute_s: float = 60.0  # call to wheels rolling

    def speed_kmh(self, at: datetime) -> float:
        hour = at.astimezone(CHINA_TZ).hour if at.tzinfo else at.hour
        if hour in (7, 8, 17, 18):
            return self.kmh_peak
        if hour >= 22 or hour < 6:
            return self.kmh_night
        return self.kmh_day


DEFAULT = CountyProfile()
_URBAN = CountyProfile(detour=1.3, kmh_day=30.0, kmh_peak=20.0, kmh_night=42.0)
_MOUNTAIN = CountyProfile(detour=1.7, kmh_day=40.0, kmh_peak=34.0, kmh_night=45.0)
# Zhangzhou: the two core districts are congested; Nanjing, Pinghe and Hua'an are mountain
# roads with long detours around ridges. Others use DEFAULT. Overridable from settings.
ZHANGZHOU_PROFILES: dict[str, CountyProfile] = {
    "350602": _URBAN,
    "350603": _URBAN,
    "350627": _MOUNTAIN,
    "350628": _MOUNTAIN,
    "350629": _MOUNTAIN,
}


def profiles_with(overrides: Mapping[str, Mapping[str, float]]) -> dict[str, CountyProfile]:
    """Zhangzhou defaults with per-county field overrides; the key "default" changes the rest."""
    merged = dict(ZHANGZHOU_PROFILES)
    for code, fields in overrides.items():
        merged[code] = replace(merged.get(code, DEFAULT), **fields)
    return merged


class ModelEta(EtaProvider):
    def __init__(self, profiles: Mapping[str, CountyProfile] | None = None) -> None:
        self._profiles = dict(ZHANGZHOU_PROFILES if profiles is None else profiles)

    def profile(self, point: Point) -> CountyProfile:
        fallback = self._profiles.get("default", DEFAULT)
        return self._profiles.get(nearest_county(point.lat, point.lon).code, fallback)

    def matrix(self, origins: list[Point], destination: Point, at: datetime) -> list[Eta]:
        p = self.profile(destination)
        mps = p.speed_kmh(at) / 3.6
        out = []
        for o in origins:
            road = distance_m(o.lat, o.lon, destination.lat, destination.lon) * p.detour
            out.append(Eta(seconds=p.chute_s + road / mps, metres=road, source="model"))
        return out
