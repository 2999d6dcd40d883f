"""Automatic dispatch: search, claim the best free unit, or wait in a visible queue.

The workflow calls `dispatch` when the incident is registered, again whenever its wait
ends (a unit was handed to it, or the wait timed out: escalate), and a unit coming free
calls `on_unit_available`. Every path converges on `DispatchStore.claim`, one conditional
transaction, so two incidents can never hold the same unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib.core.observability import count, logger
from chalicelib.dispatch import messages
from chalicelib.dispatch.entities import CITY, Claim, DispatchIncident, Point, SearchRecord, suitable_types
from chalicelib.dispatch.ports import CoResponders, CrewChannel, DispatchStore
from chalicelib.dispatch.ports import WorkflowWaker as Waker
from chalicelib.dispatch.service import RecommendationResult
from chalicelib.fleet.entities import UnitAvailable, UnitType

COUNTY = "county"
AUTO = "auto"
# A search returns the top 5; when all five are claimed by others meanwhile, search once more.
SEARCHES = 2

# (point, needs, the incident's county, whole city?) -> ranked free units
Search = Callable[[Point, UnitType, str, bool], RecommendationResult]


@dataclass(frozen=True)
class Ports:
    store: DispatchStore
    crew: CrewChannel
    co: CoResponders
    waker: Waker
    alerts: Callable[[str, dict[str, Any]], None]  # (county, alert) -> the county's dispatch board


@dataclass(frozen=True)
class Waits:
    county_s: int  # how long an incident waits for its county before the city takes over
    city_s: int  # after escalation: how often the search is repeated, should an event be lost


class UnknownIncident(Exception):
    """The workflow names an incident that is not stored: it cannot be dispatched."""


def outcome(inc: DispatchIncident, waits: Waits) -> dict[str, Any]:
    """What the workflow branches on (its Choice state reads `outcome`)."""
    if not inc.is_open:
        return {"outcome": "closed", "status": inc.status}
    if inc.unit_id:
        return {"outcome": "assigned", "unit_id": inc.unit_id}
    level = inc.level or COUNTY
    return {"outcome": "waiting", "level": level, "wait_s": waits.city_s if level == CITY else waits.county_s}


def dispatch(incident_id: str, escalate: bool, *, ports: Ports, search: Search, waits: Waits, now: datetime) -> dict:
    """Assign the incident a unit now, or put it in its waiting pool. Safe to repeat: an
    assigned incident is only (re)notified, a closed one is left alone."""
    inc = _read(ports.store, incident_id)
    queued_at = inc.level if inc.status == "waiting" else None  # before this search changes it
    for _ in range(SEARCHES):
        if not inc.is_open or inc.unit_id:
            break
        level = _level(inc, escalate)
        result = search(inc.point, inc.needs, inc.county, level == CITY)
        found = SearchRecord(result.recommendations, result.degraded_reason, level)
        # The ranking rides in the claim's transaction: one write fewer before the crew is told.
        claimed = _claim_first(inc, found, ports, now)
        # After a claim the outcome is known; after a conflict, decide again on a fresh read.
        if claimed:
            inc = replace(_assigned(inc, claimed, now), recommendations=[r.as_dict() for r in found.recommendations])
        else:
            ports.store.save_search(inc.incident_id, found, now)
            inc = _read(ports.store, incident_id)
        if claimed is None and not result.recommendations:
            break  # nothing free anywhere the search may look: wait
    if inc.is_open and not inc.unit_id:
        level = _level(inc, escalate)
        if not _wait(inc, level, queued_at, ports, waits, now):
            inc = _read(ports.store, incident_id)  # served or closed meanwhile
        else:
            # A unit freed between the search and the wait looked for this incident in the pool
            # before it was there: search once more now that any later one will find it.
            result = search(inc.point, inc.needs, inc.county, level == CITY)
            claimed = _claim_first(inc, SearchRecord(result.recommendations, result.degraded_reason, level), ports, now)
            inc = _read(ports.store, incident_id)
            if not claimed and inc.is_open and not inc.unit_id:
                return outcome(inc, waits)
    if inc.is_open and inc.unit_id:
        ensure_notified(inc, ports, now)
    return outcome(inc, waits)


def _read(store: DispatchStore, incident_id: str) -> DispatchIncident:
    inc = store.get(incident_id)
    if inc is None:
        raise UnknownIncident(incident_id)
    return inc


def _level(inc: DispatchIncident, escalate: bool) -> str:
    return CITY if escalate or inc.level == CITY else COUNTY


def _claim_first(inc: DispatchIncident, found: SearchRecord, ports: Ports, now: datetime) -> str | None:
    """The unit claimed, trying the ranked units in order; None if none could be."""
    for rec in found.recommendations:
        result = ports.store.claim(inc, rec.unit_id, AUTO, now, found)
        if result is Claim.CLAIMED:
            count("UnitClaimed")
            return rec.unit_id
        if result is Claim.SETTLED:
            return None
        count("ClaimConflict")  # another incident took this unit first: next one
    return None


def _assigned(inc: DispatchIncident, unit_id: str, now: datetime, by: str = AUTO) -> DispatchIncident:
    return replace(inc, status="assigned", unit_id=unit_id, assigned_at=now, assigned_by=by, notified_at=None)


def _wait(inc: DispatchIncident, level: str, queued_at: str | None, ports: Ports, waits: Waits, now: datetime) -> bool:
    """Queue the incident and alert its board; False if it was served or closed meanwhile."""
    pool = CITY if level == CITY else inc.county
    if not ports.store.wait(inc.incident_id, pool, level, now):
        return False
    if queued_at == level:
        kind, metric = "still_waiting", "IncidentStillWaiting"  # the city-level safety net came round
    elif level == CITY:
        kind, metric = "escalated_to_city", "IncidentEscalated"
    else:
        kind, metric = "no_unit_available", "IncidentWaiting"
    count(metric)
    _alert(ports, inc, kind, now)
    return True


def _alert(ports: Ports, inc: DispatchIncident, kind: str, now: datetime) -> None:
    try:
        ports.alerts(inc.county, messages.board_alert(inc, kind, now))
    except Exception:
        # The incident is in the waiting pool and on the board either way; the push is a courtesy.
        logger().exception("dispatch board alert not delivered", extra={"incident_id": inc.incident_id})
        count("BoardAlertFailed")


def ensure_notified(inc: DispatchIncident, ports: Ports, now: datetime) -> None:
    """Send the crew their job and tell co-responders, once per assignment. Raises on failure
    (the workflow retries the task; the assignment itself is already stored)."""
    if inc.notified_at is not None or inc.unit_id is None:
        return
    ports.crew.send(inc.unit_id, messages.crew_assignment(inc, inc.chosen))
    ports.store.mark_notified(inc.incident_id, inc.unit_id, now)
    try:
        ports.co.dispatched(messages.co_response(inc, now))
    except Exception:
        # The crew has the job; a missed co-response event is counted and alarmed, not retried
        # at the cost of notifying the crew twice.
        logger().exception("co-response event not delivered", extra={"incident_id": inc.incident_id})
        count("CoResponseFailed")


def keep_waiting(incident_id: str, token: str, *, ports: Ports) -> dict[str, Any]:
    """The workflow's wait began: keep its token. If a unit was handed over (or the incident
    closed) between the search and now, end the wait at once."""
    if ports.store.keep_token(incident_id, token):
        return {"waiting": True}
    ports.waker.wake(token, {"outcome": "changed"})
    return {"waiting": False}


def settle(inc: DispatchIncident, ports: Ports, now: datetime) -> None:
    """After a claim or a cancel made outside the workflow: end its wait so it moves on, or, if
    no execution is waiting (finished, or handed to a human), notify the crew directly."""
    if inc.wait_token:
        try:
            if ports.waker.wake(inc.wait_token, {"outcome": "changed"}):
                return
        except Exception:
            # Throttled or unreachable: do not leave the crew waiting for the wait's timeout.
            logger().exception("workflow not woken", extra={"incident_id": inc.incident_id})
            count("WorkflowWakeFailed")
    if inc.unit_id and inc.is_open:
        ensure_notified(inc, ports, now)


def on_unit_available(event: UnitAvailable, *, ports: Ports, now: datetime) -> str | None:
    """Hand a unit that just came free to the longest-waiting incident it can serve: its own
    county's queue, and incidents escalated to the whole city. Returns the incident it got."""
    queued = ports.store.waiting(event.county, 10) + ports.store.waiting(CITY, 10)
    fits = sorted(
        (i for i in queued if event.type in suitable_types(i.needs) and i.unit_id is None),
        key=lambda i: (i.waiting_since or i.created_at, i.incident_id),
    )
    for inc in fits:
        result = ports.store.claim(inc, event.unit_id, AUTO, now)
        if result is Claim.UNIT_TAKEN:
            return None  # someone else already has this unit
        if result is Claim.CLAIMED:
            count("UnitClaimedFromQueue")
            fresh = ports.store.get(inc.incident_id)
            settle(fresh or _assigned(inc, event.unit_id, now), ports, now)
            return inc.incident_id
    return None
