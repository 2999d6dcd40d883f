"""AED keepers: the owner's people who are told when their AED is needed for a cardiac arrest nearby.

An administrator names a registered volunteer as a keeper of any AED (the owner asked for it); a
volunteer who submitted an AED keeps it by subscribing themselves. A keeper's alert asks them to bring
the AED (or open its cabinet), whatever their duty or position: they are where the AED is.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.tables import bound
from chalicelib.volunteers.alerts_dal import AedKeeperRecord
from chalicelib.volunteers.answers import volunteer_of
from chalicelib.volunteers.dal import AedRecord, VolunteerRecord
from chalicelib.volunteers.schemas import KeeperView


def subscribe(who: Principal, aed_id: str, volunteer_id: str | None, now: datetime) -> KeeperView:
    from chalicelib.platform import audit

    aed = _aed(aed_id)
    vid = _keeper_id(who, aed, volunteer_id)
    try:
        bound(VolunteerRecord).get(vid, attributes_to_get=["volunteer_id"])
    except DoesNotExist:
        raise NotFound("no such volunteer", code="volunteer_not_found") from None
    bound(AedKeeperRecord)(aed_id, vid, subscribed_at=now, subscribed_by=who.subject).save()
    audit.record(who, f"aed:{aed_id}", "aed.keeper.subscribe", vid)
    return KeeperView(aed_id=aed_id, volunteer_id=vid, subscribed=True, subscribed_at=now)


def unsubscribe(who: Principal, aed_id: str, volunteer_id: str | None) -> KeeperView:
    from chalicelib.platform import audit

    vid = volunteer_id if who.role is Role.ADMIN and volunteer_id else volunteer_of(who)
    bound(AedKeeperRecord)(aed_id, vid).delete()
    audit.record(who, f"aed:{aed_id}", "aed.keeper.unsubscribe", vid)
    return KeeperView(aed_id=aed_id, volunteer_id=vid, subscribed=False)


def _keeper_id(who: Principal, aed: AedRecord, volunteer_id: str | None) -> str:
    if who.role is Role.ADMIN:
        if not volunteer_id:
            raise NotFound("name the volunteer who keeps it", code="volunteer_not_found")
        return volunteer_id
    if aed.submitted_by != who.subject:
        raise Forbidden("only the AED's owner (who registered it) or an administrator", code="not_aed_owner")
    return volunteer_of(who)


def _aed(aed_id: str) -> AedRecord:
    try:
        return bound(AedRecord).get(aed_id)
    except DoesNotExist:
        raise NotFound("no such AED", code="aed_not_found") from None
