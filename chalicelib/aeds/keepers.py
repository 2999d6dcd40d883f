"""AED keepers: the owner's people who are told when their AED is needed for a cardiac arrest nearby.

An administrator names a registered volunteer as a keeper of any AED (the owner asked for it); a
volunteer who submitted an AED keeps it by subscribing themselves. A keeper's alert asks them to bring
the AED (or open its cabinet), whatever their duty or position: they are where the AED is.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.aeds.entities import Aed
from chalicelib.aeds.ports import AedStore
from chalicelib.aeds.schemas import KeeperView
from chalicelib.aeds.service import aed_store
from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.volunteers.api import is_registered, volunteer_of


def subscribe(
    who: Principal, aed_id: str, volunteer_id: str | None, now: datetime, store: AedStore | None = None
) -> KeeperView:
    from chalicelib.platform import audit

    s = aed_store(store)
    aed = _aed(s, aed_id)
    vid = _keeper_id(who, aed, volunteer_id)
    if not is_registered(vid):
        raise NotFound("no such volunteer", code="volunteer_not_found")
    s.add_keeper(aed_id, vid, now, who.subject)
    audit.record(who, f"aed:{aed_id}", "aed.keeper.subscribe", vid)
    return KeeperView(aed_id=aed_id, volunteer_id=vid, subscribed=True, subscribed_at=now)


def unsubscribe(who: Principal, aed_id: str, volunteer_id: str | None, store: AedStore | None = None) -> KeeperView:
    from chalicelib.platform import audit

    vid = volunteer_id if who.role is Role.ADMIN and volunteer_id else volunteer_of(who)
    aed_store(store).remove_keeper(aed_id, vid)
    audit.record(who, f"aed:{aed_id}", "aed.keeper.unsubscribe", vid)
    return KeeperView(aed_id=aed_id, volunteer_id=vid, subscribed=False)


def _keeper_id(who: Principal, aed: Aed, volunteer_id: str | None) -> str:
    if who.role is Role.ADMIN:
        if not volunteer_id:
            raise NotFound("name the volunteer who keeps it", code="volunteer_not_found")
        return volunteer_id
    if aed.submitted_by != who.subject:
        raise Forbidden("only the AED's owner (who registered it) or an administrator", code="not_aed_owner")
    return volunteer_of(who)


def _aed(store: AedStore, aed_id: str) -> Aed:
    aed = store.get(aed_id)
    if aed is None:
        raise NotFound("no such AED", code="aed_not_found")
    return aed
