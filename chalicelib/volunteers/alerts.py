"""The alert round of one cardiac arrest: who is asked, when an alert passes on, when it stops.

`start` takes a snapshot of what volunteers may know (place, nature, the AED nearby) and runs the
first round; `advance` runs again when the next unanswered alert runs out, and after a decline. Each
round expires the unanswered, tops the open alerts back up to three, and says when to come back.
The round stops for good when the crew is on scene, the job closes, the dispatcher flags the scene
unsafe or the alert window is over; open alerts are then stood down.

Every write is conditional on the status it read, so a volunteer's answer and a round racing each
other settle on one outcome, and a replayed round changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.aeds import api as aeds
from chalicelib.core.config import settings_of
from chalicelib.core.observability import count
from chalicelib.volunteers import logic, notify, wiring
from chalicelib.volunteers.entities import OPEN_ALERTS, Alert, AlertKind, AlertRound, AlertStatus, PlaceKind
from chalicelib.volunteers.settings import VolunteerSettings

CREW_THERE = frozenset({"on_scene", "transporting", "at_hospital"})


@dataclass(frozen=True)
class Outcome:
    done: bool
    wait_s: int = 0  # when to run the next round
    offered: int = 0
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"done": self.done, "wait_s": self.wait_s, "offered": self.offered, "reason": self.reason}


def is_arrest(symptoms: tuple[str, ...] | list[str]) -> bool:
    return "cardiac_arrest" in symptoms


# Why a round ends, and whether those who accepted carry on (they are there or nearly, or still useful).
KEEPS_ACCEPTED = frozenset({"crew_on_scene", "window_over", "superseded", "failed"})


def start(incident_id: str, now: datetime, generation: int = 0) -> Outcome:
    """Open the round (once: a second start finds it) and run it."""
    rnd = open_round(incident_id, now)
    if rnd is None:
        return Outcome(done=True, reason="closed")
    if not rnd.unsafe and rnd.ended_at is None and rnd.generation == generation:
        _alert_keepers(rnd, now)
    return advance(incident_id, now, generation)


def _alert_keepers(rnd: AlertRound, now: datetime) -> None:
    """The people who keep the AED chosen for the patient are asked to bring it (or open its cabinet),
    whatever their duty or position: they are where the AED is. Once per arrest."""
    if not rnd.aed:
        return
    answer_by = now + timedelta(seconds=settings_of(VolunteerSettings).volunteer_answer_s)
    keepers = aeds.keepers_of(rnd.aed["aed_id"])
    for keeper in wiring.get_volunteers().candidates(keepers):
        # The same rules as any volunteer's, but where they are does not matter: they are at the AED.
        certified = logic.certified(keeper.cert_expiry, now)
        if not (certified and logic.tier_allowed(keeper.tier, PlaceKind(rnd.place))):
            continue
        if logic.engaged_elsewhere(keeper.engaged, keeper.engaged_at, rnd.incident_id, now):
            continue
        alert = Alert(
            rnd.incident_id, keeper.volunteer_id, kind=AlertKind.KEEPER.value, status=AlertStatus.OFFERED.value,
            rank=0, distance_m=rnd.aed["distance_m"], offered_at=now, answer_by=answer_by, bring_aed=True,
        )  # fmt: skip
        if not wiring.get_alerts().offer(alert):
            continue
        count("AedKeepersAlerted")
        time_node(rnd.incident_id, keeper.volunteer_id, "alerted", now, "first_response")
        notify.to_volunteer(keeper.volunteer_id, "aed_needed", rnd.incident_id)


def open_round(incident_id: str, now: datetime) -> AlertRound | None:
    """The round of the incident, made from the incident the first time; None once the job is closed."""
    from chalicelib.dispatch import api as dispatch

    store = wiring.get_alerts()
    found = store.round(incident_id)
    if found is not None:
        return found
    inc = dispatch.incident(incident_id)
    if inc is None:
        raise LookupError(f"no incident {incident_id}")
    if not inc.is_open:
        return None
    lat, lon = inc.point.lat, inc.point.lon
    aed = aeds.usable_aed_near(lat, lon, logic.AED_RADIUS_M, now)
    rnd = AlertRound(
        incident_id,
        county=inc.county,
        lat=lat,
        lon=lon,
        address=inc.address_text,
        place=logic.place_kind(inc.location.get("address_code")).value,
        radius_m=logic.radius_m(inc.county, lat, lon),
        started_at=now,
        aed=notify.aed_json(*aed) if aed else None,
    )
    if not store.create_round(rnd):
        return store.round(incident_id)
    count("VolunteerRoundsStarted")
    return rnd


def advance(incident_id: str, now: datetime, generation: int | None = None) -> Outcome:
    """One round. `generation` is the execution's (None: an inline round after a decline): an execution
    whose round was restarted by a newer one stops."""
    from chalicelib.dispatch import api as dispatch

    store = wiring.get_alerts()
    rnd = store.round(incident_id)
    if rnd is None:
        raise LookupError(f"no alert round for incident {incident_id}")
    if generation is not None and rnd.generation != generation:
        return Outcome(done=True, reason="superseded")
    alerts = store.alerts(incident_id)
    if rnd.ended_at is not None:
        # Offers made by a round racing the end (an unsafe flag, a close) are swept up here.
        reason = rnd.ended_reason or "closed"
        stand_down(rnd, alerts, reason, now, keep_accepted=reason in KEEPS_ACCEPTED)
        return Outcome(done=True, reason=reason)
    inc = dispatch.incident(incident_id)
    stop = _stop_reason(rnd, inc, now)
    if stop:
        stand_down(rnd, alerts, stop, now, keep_accepted=stop in KEEPS_ACCEPTED)
        return Outcome(done=True, reason=stop)
    states = [
        logic.AlertState(a.volunteer_id, AlertStatus(a.status), a.answer_by, a.kind == AlertKind.KEEPER) for a in alerts
    ]
    plan = logic.plan(states, now)
    expired = {vid for vid in plan.expire if move(incident_id, vid, AlertStatus.OFFERED, AlertStatus.EXPIRED, now)}
    for vid in expired:
        notify.to_volunteer(vid, "expired", incident_id)
    offered = _offer(rnd, {a.volunteer_id for a in alerts}, plan.wanted, now) if plan.wanted else []
    states += [logic.AlertState(a.volunteer_id, AlertStatus.OFFERED, a.answer_by) for a in offered]
    # Until the round ends: back when the next offer runs out, or after an answer window to search again
    # (someone may have come on duty or into reach, or an accepted volunteer may have declined since).
    search_again = now + timedelta(seconds=settings_of(VolunteerSettings).volunteer_answer_s)
    follow_up = min(logic.next_check(states, now, expired) or search_again, search_again)
    wait_s = max(1, int((follow_up - now).total_seconds() + 0.999))
    return Outcome(done=False, wait_s=wait_s, offered=len(offered))


def _stop_reason(rnd: AlertRound, inc: Any, now: datetime) -> str | None:
    if inc is None or not inc.is_open:
        return "closed"
    if rnd.unsafe:
        return "unsafe_scene"
    if inc.status in CREW_THERE:
        return "crew_on_scene"
    if now - rnd.started_at > timedelta(seconds=settings_of(VolunteerSettings).volunteer_alert_window_s):
        return "window_over"
    return None


def _offer(rnd: AlertRound, asked: set[str], wanted: int, now: datetime) -> list[Alert]:
    s = settings_of(VolunteerSettings)
    place, ttl = PlaceKind(rnd.place), s.volunteer_position_ttl_s

    def keep(c: logic.Candidate) -> bool:
        return c.volunteer_id not in asked and logic.available(c, rnd.incident_id, place, now, ttl)

    near = wiring.get_volunteers().near(rnd.lat, rnd.lon, rnd.radius_m, wanted, keep)
    ranked = logic.ranked(near, incident_id=rnd.incident_id, lat=rnd.lat, lon=rnd.lon, radius=rnd.radius_m,
                          place=place, now=now, position_ttl_s=ttl, exclude=asked)[:wanted]  # fmt: skip
    bearer = None
    if rnd.aed and not _aed_taken(rnd.incident_id):
        aed = rnd.aed
        bearer = logic.aed_bearer([(c.volunteer_id, c.lat, c.lon) for c, _ in ranked], aed["lat"], aed["lon"])
    made = []
    for rank, (c, distance) in enumerate(ranked, start=len(asked) + 1):
        alert = Alert(
            rnd.incident_id,
            c.volunteer_id,
            status=AlertStatus.OFFERED.value,
            rank=rank,
            distance_m=round(distance),
            offered_at=now,
            answer_by=now + timedelta(seconds=s.volunteer_answer_s),
            bring_aed=c.volunteer_id == bearer,
        )
        if not wiring.get_alerts().offer(alert):
            continue  # a concurrent round asked them first
        made.append(alert)
        time_node(rnd.incident_id, c.volunteer_id, "alerted", now, "first_response")
        notify.to_volunteer(c.volunteer_id, "alert", rnd.incident_id)
    count("VolunteersAlerted", len(made))
    if made:
        notify.to_desk(rnd, "volunteers_alerted", len(made))
    return made


def _aed_taken(incident_id: str) -> bool:
    """A volunteer still on the job already fetches the AED (a keeper only once they accept: an
    unanswered keeper must not leave the patient without it)."""
    return any(
        a.bring_aed
        and (
            AlertStatus(a.status) is AlertStatus.ACCEPTED
            or (AlertStatus(a.status) is AlertStatus.OFFERED and a.kind != AlertKind.KEEPER)
        )
        for a in wiring.get_alerts().alerts(incident_id)
    )


def move(
    incident_id: str, volunteer_id: str, old: AlertStatus, new: AlertStatus, now: datetime, reason: str | None = None
) -> bool:
    """One conditional write from `old` to `new`; False when the alert had already moved on."""
    return wiring.get_alerts().move(incident_id, volunteer_id, old, new, now, reason)


def stand_down(rnd: AlertRound, alerts: list[Alert], reason: str, now: datetime, *, keep_accepted: bool) -> None:
    """End the round: cancel what is still offered (and what was accepted, unless the volunteers are
    still useful: the crew just arrived, or the window is over but they are on their way). An alert that
    moved while we read (an accept racing the stand-down) is read again and stood down from where it is."""
    for a in alerts:
        status = AlertStatus(a.status)
        for _ in range(2):
            if status not in OPEN_ALERTS or (status is AlertStatus.ACCEPTED and keep_accepted):
                break
            if move(rnd.incident_id, a.volunteer_id, status, AlertStatus.CANCELLED, now, reason=reason):
                release(a.volunteer_id, rnd.incident_id)
                notify.to_volunteer(a.volunteer_id, "stand_down", rnd.incident_id, reason)
                break
            moved = wiring.get_alerts().alert(rnd.incident_id, a.volunteer_id)
            if moved is None:
                break
            status = AlertStatus(moved.status)
    wiring.get_alerts().end_round(rnd.incident_id, reason, now)


def release(volunteer_id: str, incident_id: str) -> None:
    """The volunteer is free for another arrest (only if this one still holds them)."""
    wiring.get_volunteers().release(volunteer_id, incident_id)


def time_node(incident_id: str, volunteer_id: str, node: str, at: datetime, by: str) -> None:
    """The volunteer's step on the incident's timeline too (the alert keeps its own copy: best effort)."""
    from chalicelib.core.observability import logger
    from chalicelib.timeline.api import record_node

    try:
        record_node(incident_id, f"volunteer.{volunteer_id}.{node}", at, by)
    except Exception:
        count("VolunteerTimeNodeFailed")
        logger().warning("volunteer time node not recorded", extra={"node": node})


def incident_closed(incident_id: str) -> None:
    """The job ended (cancelled, or its unit back in service): whoever is still alerted or on the way is
    told at once, not when the next round would have run. Never raises: the close must not fail."""
    from chalicelib.core.clock import utcnow
    from chalicelib.core.observability import logger

    try:
        store = wiring.get_alerts()
        rnd = store.round(incident_id)
        if rnd is None:
            return  # no arrest, no alerts
        stand_down(rnd, store.alerts(incident_id), "closed", utcnow(), keep_accepted=False)
    except Exception as exc:
        count("VolunteerStandDownFailed")
        logger().warning("volunteers not stood down", extra={"incident_id": incident_id, "error": type(exc).__name__})


def failed(incident_id: str, now: datetime) -> bool:
    """The alerting execution failed: the round ends and pending offers are withdrawn (those on the way
    carry on; the desk is told to call volunteers by phone). False when there was no round."""
    store = wiring.get_alerts()
    rnd = store.round(incident_id)
    if rnd is None:
        return False
    stand_down(rnd, store.alerts(incident_id), "failed", now, keep_accepted=True)
    return True
