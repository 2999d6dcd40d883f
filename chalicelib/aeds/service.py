"""AED look-ups (a few fine-cell ranges, whatever the registry's size), public submissions and their verification."""

from __future__ import annotations

import secrets
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.aeds import logic
from chalicelib.aeds.schemas import AedList, AedQuery, AedSubmission, AedView, Verification
from chalicelib.core.auth import Principal
from chalicelib.core.counties import nearest_county
from chalicelib.core.errors import NotFound
from chalicelib.core.tables import bound
from chalicelib.volunteers.dal import AedRecord, aed_record, to_aed
from chalicelib.volunteers.models import Aed, AedVerification


def around(q: AedQuery, now: datetime) -> AedList:
    from chalicelib.volunteers.lookup import aeds_near

    aeds = aeds_near(q.lat, q.lon, q.radius)
    found = [
        (a, d) for a, d in logic.nearest(aeds, q.lat, q.lon, q.radius) if a.verification is not AedVerification.REJECTED
    ]
    views = [_view(a, d, now) for a, d in found]
    return AedList(aeds=views, count=len(views))


def submit(who: Principal, body: AedSubmission, now: datetime) -> AedView:
    from chalicelib.platform import audit

    aed = Aed(
        aed_id=f"AEDP{now:%Y%m%d}{secrets.token_hex(3)}", name_zh=body.name_zh, name_en=body.name_en or body.name_zh,
        county=nearest_county(body.lat, body.lon).code, lat=body.lat, lon=body.lon, hours=body.hours,
        indoor=body.indoor, owner=body.owner, verification=AedVerification.PENDING,
    )  # fmt: skip
    record = aed_record(aed)
    record.submitted_by = who.subject
    bound(AedRecord)(**record.attribute_values).save(condition=AedRecord.aed_id.does_not_exist())
    audit.record(who, f"aed:{aed.aed_id}", "aed.submit")
    return _view(aed, 0.0, now)


def verify(who: Principal, aed_id: str, body: Verification, now: datetime) -> AedView:
    from chalicelib.platform import audit

    try:
        record = bound(AedRecord).get(aed_id)
    except DoesNotExist:
        raise NotFound("no such AED", code="aed_not_found") from None
    outcome = AedVerification.VERIFIED if body.verified else AedVerification.REJECTED
    record.update(actions=[AedRecord.verification.set(outcome.value)])
    audit.record(who, f"aed:{aed_id}", "aed.verify", outcome.value)
    return _view(to_aed(record), 0.0, now)


def _view(a: Aed, distance: float, now: datetime) -> AedView:
    return AedView(
        aed_id=a.aed_id, name_zh=a.name_zh, name_en=a.name_en, indoor=a.indoor, lat=a.lat, lon=a.lon, hours=a.hours,
        status=a.status, verification=a.verification, distance_m=round(distance), usable_now=logic.usable(a, now),
    )  # fmt: skip


def usable_near(lat: float, lon: float, now: datetime, *, radius_m: float = 200, limit: int = 3) -> list[AedView]:
    """The nearest AEDs a bystander may fetch now (verified, in service, building open), nearest first."""
    found = around(AedQuery(lat=lat, lon=lon, radius=radius_m), now).aeds
    return [a for a in found if a.usable_now][:limit]
