"""AED look-ups (a few fine-cell ranges, whatever the registry's size), public submissions and their verification."""

from __future__ import annotations

import secrets
from datetime import datetime

from chalicelib.aeds import logic
from chalicelib.aeds.entities import Aed, AedVerification
from chalicelib.aeds.ports import AedStore
from chalicelib.aeds.schemas import AedList, AedQuery, AedSubmission, AedView, Verification
from chalicelib.core.auth import Principal
from chalicelib.core.counties import nearest_county
from chalicelib.core.errors import NotFound
from chalicelib.core.geo import fine_ranges, nearest_first


def aed_store(store: AedStore | None = None) -> AedStore:
    """The store passed in (tests), else the configured one."""
    if store is not None:
        return store
    from chalicelib.aeds.wiring import get_store

    return get_store()


def aeds_near(lat: float, lon: float, radius_m: float, store: AedStore | None = None) -> list[Aed]:
    """Every AED in the fine-cell ranges within the radius (a superset: the caller measures distances)."""
    s = aed_store(store)
    return [a for coarse, lo, hi in fine_ranges(lat, lon, radius_m) for a in s.in_range(coarse, lo, hi)]


def usable_aed_near(
    lat: float, lon: float, radius_m: float, now: datetime, store: AedStore | None = None
) -> tuple[Aed, float] | None:
    """The nearest AED within the radius that can be used now (verified, in service, building open)."""
    read = nearest_first(lat, lon, radius_m, 1, aed_store(store).in_range,
                         lambda a: (a.lat, a.lon) if logic.usable(a, now) else None)  # fmt: skip
    usable = [(a, d) for a, d in logic.nearest(read, lat, lon, radius_m) if logic.usable(a, now)]
    return usable[0] if usable else None


def around(q: AedQuery, now: datetime, store: AedStore | None = None) -> AedList:
    aeds = aeds_near(q.lat, q.lon, q.radius, store)
    found = [
        (a, d) for a, d in logic.nearest(aeds, q.lat, q.lon, q.radius) if a.verification is not AedVerification.REJECTED
    ]
    views = [_view(a, d, now) for a, d in found]
    return AedList(aeds=views, count=len(views))


def submit(who: Principal, body: AedSubmission, now: datetime, store: AedStore | None = None) -> AedView:
    from chalicelib.platform import audit

    aed = Aed(
        aed_id=f"AEDP{now:%Y%m%d}{secrets.token_hex(3)}", name_zh=body.name_zh, name_en=body.name_en or body.name_zh,
        county=nearest_county(body.lat, body.lon).code, lat=body.lat, lon=body.lon, hours=body.hours,
        indoor=body.indoor, owner=body.owner, verification=AedVerification.PENDING, submitted_by=who.subject,
    )  # fmt: skip
    aed_store(store).add(aed)
    audit.record(who, f"aed:{aed.aed_id}", "aed.submit")
    return _view(aed, 0.0, now)


def verify(who: Principal, aed_id: str, body: Verification, now: datetime, store: AedStore | None = None) -> AedView:
    from chalicelib.platform import audit

    outcome = AedVerification.VERIFIED if body.verified else AedVerification.REJECTED
    aed = aed_store(store).set_verification(aed_id, outcome)
    if aed is None:
        raise NotFound("no such AED", code="aed_not_found")
    audit.record(who, f"aed:{aed_id}", "aed.verify", outcome.value)
    return _view(aed, 0.0, now)


def _view(a: Aed, distance: float, now: datetime) -> AedView:
    return AedView(
        aed_id=a.aed_id, name_zh=a.name_zh, name_en=a.name_en, indoor=a.indoor, lat=a.lat, lon=a.lon, hours=a.hours,
        status=a.status, verification=a.verification, distance_m=round(distance), usable_now=logic.usable(a, now),
    )  # fmt: skip


def usable_near(lat: float, lon: float, now: datetime, *, radius_m: float = 200, limit: int = 3) -> list[AedView]:
    """The nearest AEDs a bystander may fetch now (verified, in service, building open), nearest first."""
    found = around(AedQuery(lat=lat, lon=lon, radius=radius_m), now).aeds
    return [a for a in found if a.usable_now][:limit]
