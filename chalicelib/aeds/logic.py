"""Whether an AED can be used now, and the nearest ones. Pure: the clock is passed in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta, timezone

from chalicelib.aeds.entities import Aed, AedStatus, AedVerification
from chalicelib.core.geo import distance_m

CHINA = timezone(timedelta(hours=8))  # one time zone, no daylight saving


def open_at(hours: str, at: datetime) -> bool:
    """`24h`, or `HH:MM-HH:MM` in China time (a range past midnight wraps; `24:00` closes the day)."""
    if hours == "24h":
        return True
    start, end = (_clock(part) for part in hours.split("-"))
    now = at.astimezone(CHINA).time()
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def _clock(text: str) -> time:
    h, m = (int(x) for x in text.split(":"))
    return time.max if h == 24 else time(h, m)


def usable(aed: Aed, at: datetime) -> bool:
    """Verified, in service and in a building that is open now."""
    return aed.verification is AedVerification.VERIFIED and aed.status is AedStatus.ACTIVE and open_at(aed.hours, at)


def nearest(aeds: Iterable[Aed], lat: float, lon: float, radius_m: float) -> list[tuple[Aed, float]]:
    """The AEDs within `radius_m` of the point, nearest first."""
    near = ((a, distance_m(lat, lon, a.lat, a.lon)) for a in aeds)
    return sorted(((a, d) for a, d in near if d <= radius_m), key=lambda pair: pair[1])
