"""Who to alert for a cardiac arrest, and when an alert passes on. Pure: data and the clock come in.

The rules, as the city's first-responder scheme sets them:
- the 3 nearest available volunteers within 500 m in a town, 1 km in the countryside;
- a certificate valid today; a position reported recently (while on duty);
- tiers: a public-tier first-aider goes to public places only, registered and professional
  volunteers also to homes;
- a volunteer already committed to another arrest is not alerted (for at most 3 hours: a lost release
  must not take them off the network for good);
- a decline passes the alert on at once, no answer within the answer window when it runs out;
- while fewer than three are on the way, the search is repeated every answer window: a volunteer who
  comes on duty or into reach is asked too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from chalicelib.core.counties import COUNTIES
from chalicelib.core.geo import distance_m
from chalicelib.volunteers.entities import AlertStatus, Candidate, PlaceKind, VolunteerTier

AT_ONCE = 3
URBAN_RADIUS_M = 500
RURAL_RADIUS_M = 1000
AED_RADIUS_M = 200  # an AED further than this from the patient costs more time than it saves
# Districts (区) are built up; in the counties (县) the seat's town is, the rest is countryside.
URBAN_DISTRICTS = frozenset({"350602", "350603", "350604", "350605"})
COUNTY_TOWN_M = 3000

CHINA = timezone(timedelta(hours=8))  # certificates expire at the end of the day in China
# An engagement older than this is a volunteer nobody released (a lost close): they are free again.
ENGAGED_MAX = timedelta(hours=3)

_HOME_TIERS = frozenset({VolunteerTier.REGISTERED, VolunteerTier.PROFESSIONAL})


@dataclass(frozen=True)
class AlertState:
    volunteer_id: str
    status: AlertStatus
    answer_by: datetime
    keeper: bool = False  # an AED keeper's alert: not one of the three nearby volunteers


def urban(county: str, lat: float, lon: float) -> bool:
    if county in URBAN_DISTRICTS:
        return True
    return any(distance_m(lat, lon, c.lat, c.lon) <= COUNTY_TOWN_M for c in COUNTIES)


def radius_m(county: str, lat: float, lon: float) -> int:
    return URBAN_RADIUS_M if urban(county, lat, lon) else RURAL_RADIUS_M


def place_kind(address_code: str | None) -> PlaceKind:
    """A doorplate is a home; anything else (a phone's position, a place a dispatcher typed) is public."""
    return PlaceKind.HOME if address_code else PlaceKind.PUBLIC


def tier_allowed(tier: VolunteerTier, place: PlaceKind) -> bool:
    return place is PlaceKind.PUBLIC or tier in _HOME_TIERS


def certified(cert_expiry: date, now: datetime) -> bool:
    return cert_expiry >= now.astimezone(CHINA).date()


def engaged_elsewhere(engaged: str | None, engaged_at: datetime | None, incident_id: str, now: datetime) -> bool:
    if engaged in (None, incident_id):
        return False
    return engaged_at is None or now - engaged_at <= ENGAGED_MAX


def available(c: Candidate, incident_id: str, place: PlaceKind, now: datetime, position_ttl_s: int) -> bool:
    fresh = c.located_at is not None and now - c.located_at <= timedelta(seconds=position_ttl_s)
    free = not engaged_elsewhere(c.engaged, c.engaged_at, incident_id, now)
    return fresh and free and certified(c.cert_expiry, now) and tier_allowed(c.tier, place)


def ranked(
    candidates: Iterable[Candidate],
    *,
    incident_id: str,
    lat: float,
    lon: float,
    radius: float,
    place: PlaceKind,
    now: datetime,
    position_ttl_s: int,
    exclude: Collection[str] = (),
) -> list[tuple[Candidate, float]]:
    """Available volunteers within `radius`, nearest first (ties by id, so a replay picks the same)."""
    near = (
        (c, distance_m(lat, lon, c.lat, c.lon))
        for c in candidates
        if c.volunteer_id not in exclude and available(c, incident_id, place, now, position_ttl_s)
    )
    return sorted(((c, d) for c, d in near if d <= radius), key=lambda cd: (cd[1], cd[0].volunteer_id))


@dataclass(frozen=True)
class Round:
    expire: list[str]  # offered alerts whose answer window has run out
    wanted: int  # how many new volunteers to alert now


def plan(alerts: Sequence[AlertState], now: datetime) -> Round:
    """Expire unanswered alerts and top the open ones back up to `AT_ONCE`."""
    expire = [a.volunteer_id for a in alerts if a.status is AlertStatus.OFFERED and a.answer_by <= now]
    still_open = sum(
        1
        for a in alerts
        if not a.keeper
        and (a.status is AlertStatus.ACCEPTED or (a.status is AlertStatus.OFFERED and a.volunteer_id not in expire))
    )
    return Round(expire=expire, wanted=max(0, AT_ONCE - still_open))


def next_check(alerts: Sequence[AlertState], now: datetime, expired: set[str]) -> datetime | None:
    """When the next unanswered alert runs out, if any is still waiting."""
    waiting = [
        a.answer_by
        for a in alerts
        if a.status is AlertStatus.OFFERED and a.volunteer_id not in expired and a.answer_by > now
    ]
    return min(waiting, default=None)


def aed_bearer(volunteers: Sequence[tuple[str, float, float]], aed_lat: float, aed_lon: float) -> str | None:
    """Of the volunteers just alerted (id, lat, lon), the one nearest the AED is asked to bring it."""
    if not volunteers:
        return None
    return min(volunteers, key=lambda v: (distance_m(v[1], v[2], aed_lat, aed_lon), v[0]))[0]
