"""The dispatcher's side: who was alerted for an incident and how they answer, and the unsafe-scene flag."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, Forbidden
from chalicelib.incidents import scope
from chalicelib.volunteers import alerts, notify, wiring
from chalicelib.volunteers.answers import aed_brief, nodes
from chalicelib.volunteers.entities import Alert, AlertKind, AlertStatus
from chalicelib.volunteers.schemas import IncidentResponders, ResponderView, SceneSafety

if TYPE_CHECKING:
    from chalicelib.dispatch.api import DispatchIncident

_CONTACT = (AlertStatus.ACCEPTED, AlertStatus.DONE)


def responders(who: Principal, incident_id: str) -> IncidentResponders:
    """The county's dispatchers see names and phones of volunteers who accepted (to call them); the
    crew on the job sees who is coming and what they did, without names."""
    from chalicelib.platform import audit

    _allowed(who, incident_id)
    store = wiring.get_alerts()
    rnd = store.round(incident_id)
    if rnd is None:
        return IncidentResponders(incident_id=incident_id, alerting=False, unsafe=False, radius_m=None, aed=None,
                                  volunteers=[])  # fmt: skip
    found = sorted(store.alerts(incident_id), key=lambda a: a.rank)
    contacts: dict[str, tuple[str, str]] = {}
    wanted = {a.volunteer_id for a in found if AlertStatus(a.status) in _CONTACT}
    if who.role is Role.DISPATCHER and wanted:
        contacts = wiring.get_volunteers().contacts(wanted)
        audit.record(who, f"incident:{incident_id}", "volunteers.contacts", ",".join(sorted(wanted)))
    listed = [responder_view(a, *contacts.get(a.volunteer_id, (None, None))) for a in found]
    return IncidentResponders(
        incident_id=incident_id, alerting=rnd.ended_at is None, unsafe=rnd.unsafe, radius_m=int(rnd.radius_m),
        aed=aed_brief(rnd, any(a.bring_aed for a in found)), volunteers=listed,
    )  # fmt: skip


def scene_safety(who: Principal, incident_id: str, body: SceneSafety, now: datetime) -> IncidentResponders:
    """Unsafe: every open alert is stood down and no one new is asked. Safe again: alerting resumes."""
    from chalicelib.platform import audit
    from chalicelib.volunteers.service import start_round

    inc = _allowed(who, incident_id, dispatchers_only=True)
    rnd = alerts.open_round(incident_id, now)
    if rnd is None:
        raise Conflict("the incident is closed", code="incident_closed")
    audit.record(who, f"incident:{incident_id}", "scene.unsafe" if body.unsafe else "scene.safe", body.note)
    if body.unsafe:
        store = wiring.get_alerts()
        store.set_unsafe(incident_id, body.note or "")
        alerts.stand_down(rnd, store.alerts(incident_id), "unsafe_scene", now, keep_accepted=False)
        notify.to_desk(rnd, "volunteers_stood_down")
    elif rnd.unsafe:
        generation = rnd.generation + 1
        wiring.get_alerts().resume(incident_id, now, generation)
        if alerts.is_arrest(inc.symptoms) or _alerted_before(incident_id):
            # A new execution owns the round; an older one still waiting stops at its next step.
            start_round(incident_id, f"{incident_id}-g{generation}", generation)
    return responders(who, incident_id)


def _alerted_before(incident_id: str) -> bool:
    return bool(wiring.get_alerts().alerts(incident_id, limit=1))


def _allowed(who: Principal, incident_id: str, *, dispatchers_only: bool = False) -> DispatchIncident:
    from chalicelib.dispatch import api as dispatch

    inc = dispatch.incident(incident_id)
    if inc is None:
        raise scope.missing()
    if who.role is Role.DISPATCHER:
        scope.require_county(who, incident_id, inc.county, action="volunteers.read")
    elif dispatchers_only or who.role is not Role.CREW or inc.unit_id not in who.scope_ids("unit"):
        raise Forbidden("the county's dispatchers and the crew on the job", code="not_assigned")
    return inc


def responder_view(a: Alert, name: str | None = None, phone: str | None = None) -> ResponderView:
    return ResponderView(
        volunteer_id=a.volunteer_id,
        kind=AlertKind(a.kind),
        status=AlertStatus(a.status),
        rank=int(a.rank),
        distance_m=int(a.distance_m),
        offered_at=a.offered_at,
        answered_at=a.answered_at,
        bring_aed=a.bring_aed,
        nodes=nodes(a),
        name=name,
        phone=phone,
    )
