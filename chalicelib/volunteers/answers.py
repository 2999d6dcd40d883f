"""A volunteer's side of an alert: their list, accept, decline, what they report on the way."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core.auth import Principal
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.observability import count
from chalicelib.volunteers import alerts, logic, notify, wiring
from chalicelib.volunteers.entities import Alert, AlertKind, AlertRound, AlertStatus, PlaceKind, ResponderNode
from chalicelib.volunteers.schemas import AedBrief, AlertList, AlertView, NodeReport, Place

MY_ALERTS = 20


def volunteer_of(who: Principal) -> str:
    ids = who.scope_ids("volunteer")
    if len(ids) != 1:
        raise Forbidden("the sign-in names no volunteer", code="scope_denied")
    return next(iter(ids))


def mine(who: Principal) -> AlertList:
    vid = volunteer_of(who)
    store = wiring.get_alerts()
    found = store.of_volunteer(vid, MY_ALERTS)
    rounds = store.rounds({a.incident_id for a in found})
    return AlertList(alerts=[alert_view(a, rounds[a.incident_id]) for a in found if a.incident_id in rounds])


def accept(who: Principal, alert_id: str, now: datetime) -> AlertView:
    alert, rnd = _own(who, alert_id)
    if AlertStatus(alert.status) is AlertStatus.ACCEPTED:
        return alert_view(alert, rnd)  # a repeated tap
    if rnd.ended_at is not None or rnd.unsafe or AlertStatus(alert.status) is not AlertStatus.OFFERED:
        raise Conflict(f"the alert is {alert.status}", code="alert_not_open")
    if not _engage(alert.volunteer_id, alert.incident_id, now):
        raise Conflict("you are on another arrest: finish it first", code="volunteer_engaged")
    # An answer after the window but before the round passed it on still counts: a late helper helps.
    if not alerts.move(alert.incident_id, alert.volunteer_id, AlertStatus.OFFERED, AlertStatus.ACCEPTED, now):
        alerts.release(alert.volunteer_id, alert.incident_id)
        raise Conflict("the alert has moved on", code="alert_not_open")
    rnd = _reread(rnd)
    if rnd.unsafe or rnd.ended_reason in ("closed", "unsafe_scene"):
        # The scene turned unsafe (or the job closed) while we accepted: never send them.
        alerts.stand_down(rnd, [alert], rnd.ended_reason or "unsafe_scene", now, keep_accepted=False)
        raise Conflict("the alert was withdrawn", code="alert_not_open")
    count("VolunteerAccepted")
    alerts.time_node(alert.incident_id, alert.volunteer_id, "accepted", now, who.subject)
    notify.to_desk(rnd, "volunteer_accepted", 1, alert.volunteer_id)
    return alert_view(_reload(alert), rnd)


def decline(who: Principal, alert_id: str, now: datetime) -> AlertView:
    alert, rnd = _own(who, alert_id)
    status = AlertStatus(alert.status)
    if status not in (AlertStatus.OFFERED, AlertStatus.ACCEPTED):
        raise Conflict(f"the alert is {alert.status}", code="alert_not_open")
    if not alerts.move(alert.incident_id, alert.volunteer_id, status, AlertStatus.DECLINED, now):
        raise Conflict("the alert has moved on", code="alert_not_open")
    alerts.release(alert.volunteer_id, alert.incident_id)
    count("VolunteerDeclined")
    try:
        alerts.advance(alert.incident_id, now)  # the next nearest is asked now, not when the window ends
    except Exception:
        count("VolunteerRoundAfterDeclineFailed")
    return alert_view(_reload(alert), rnd)


def report(who: Principal, alert_id: str, body: NodeReport, now: datetime) -> AlertView:
    alert, rnd = _own(who, alert_id)
    if AlertStatus(alert.status) is not AlertStatus.ACCEPTED:
        raise Conflict("only an accepted alert takes reports", code="alert_not_accepted")
    at = body.at or now
    if at > now + timedelta(seconds=get_settings().max_clock_ahead_s):
        raise ValidationFailed("the time is in the future", code="time_in_future")
    if at < alert.offered_at:
        raise ValidationFailed("the time is before the alert", code="time_before_alert")
    wiring.get_alerts().report(alert.incident_id, alert.volunteer_id, body.node, at)  # the first report stands
    alerts.time_node(alert.incident_id, alert.volunteer_id, body.node.value, at, who.subject)
    if body.node is ResponderNode.HANDED_TO_CREW:
        alerts.move(alert.incident_id, alert.volunteer_id, AlertStatus.ACCEPTED, AlertStatus.DONE, now)
        alerts.release(alert.volunteer_id, alert.incident_id)
    notify.to_desk(rnd, f"volunteer_{body.node.value}", 1, alert.volunteer_id)
    return alert_view(_reload(alert), rnd)


def _own(who: Principal, alert_id: str) -> tuple[Alert, AlertRound]:
    """The alert, if it is this volunteer's (another's is 404, not 403: ids are not confirmed)."""
    key = notify.parse_alert_id(alert_id)
    if key is None or key[1] != volunteer_of(who):
        raise NotFound("no such alert", code="alert_not_found")
    store = wiring.get_alerts()
    alert = store.alert(*key)
    rnd = store.round(key[0]) if alert is not None else None
    if alert is None or rnd is None:
        raise NotFound("no such alert", code="alert_not_found")
    return alert, rnd


def _reload(alert: Alert) -> Alert:
    return wiring.get_alerts().alert(alert.incident_id, alert.volunteer_id) or alert


def _reread(rnd: AlertRound) -> AlertRound:
    return wiring.get_alerts().round(rnd.incident_id) or rnd


def _engage(volunteer_id: str, incident_id: str, now: datetime) -> bool:
    """Hold the volunteer for this arrest, unless another holds them (an engagement past its maximum was
    never released: it no longer counts)."""
    return wiring.get_volunteers().engage(volunteer_id, incident_id, now, now - logic.ENGAGED_MAX)


# -- views ------------------------------------------------------------------------------------------

_SHOWS_PLACE = (AlertStatus.ACCEPTED, AlertStatus.DONE)


def nodes(a: Alert) -> dict[ResponderNode, object]:
    return {n: at for n in ResponderNode if (at := getattr(a, f"{n.value}_at")) is not None}


def aed_brief(rnd: AlertRound, bring: bool) -> AedBrief | None:
    return AedBrief(**rnd.aed, bring=bring) if rnd.aed else None


def alert_view(a: Alert, rnd: AlertRound) -> AlertView:
    """The volunteer's view: the exact place and the address once they accept, before that a point
    rounded to ~100 m (enough to judge the distance, not enough to find a door)."""
    status = AlertStatus(a.status)
    exact = status in _SHOWS_PLACE
    place = (
        Place(lat=rnd.lat, lon=rnd.lon, address=rnd.address, exact=True)
        if exact
        else Place(lat=round(rnd.lat, 3), lon=round(rnd.lon, 3), exact=False)
    )
    return AlertView(
        alert_id=notify.alert_id(a.incident_id, a.volunteer_id),
        kind=AlertKind(a.kind),
        status=status,
        place_kind=PlaceKind(rnd.place),
        place=place,
        distance_m=int(a.distance_m),
        offered_at=a.offered_at,
        answer_by=a.answer_by,
        aed=aed_brief(rnd, a.bring_aed),
        nodes=nodes(a),
        reason=a.reason,
    )
