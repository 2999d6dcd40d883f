"""The dispatcher's side: who was alerted for an incident and how they answer, and the unsafe-scene flag."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, Forbidden
from chalicelib.core.tables import bound
from chalicelib.incidents import scope
from chalicelib.volunteers import alerts, notify
from chalicelib.volunteers.answers import aed_brief, nodes
from chalicelib.volunteers.dal import AlertRecord, RoundRecord, VolunteerRecord
from chalicelib.volunteers.entities import AlertKind, AlertStatus
from chalicelib.volunteers.schemas import IncidentResponders, ResponderView, SceneSafety

if TYPE_CHECKING:
    from chalicelib.dispatch.ports import DispatchIncident

_CONTACT = (AlertStatus.ACCEPTED, AlertStatus.DONE)


def responders(who: Principal, incident_id: str) -> IncidentResponders:
    """The county's dispatchers see names and phones of volunteers who accepted (to call them); the
    crew on the job sees who is coming and what they did, without names."""
    from chalicelib.platform import audit

    _allowed(who, incident_id)
    try:
        rnd = bound(RoundRecord).get(incident_id, consistent_read=True)
    except DoesNotExist:
        return IncidentResponders(incident_id=incident_id, alerting=False, unsafe=False, radius_m=None, aed=None,
                                  volunteers=[])  # fmt: skip
    found = sorted(bound(AlertRecord).query(incident_id, consistent_read=True), key=lambda a: a.rank)
    contacts: dict[str, VolunteerRecord] = {}
    wanted = {a.volunteer_id for a in found if AlertStatus(a.status) in _CONTACT}
    if who.role is Role.DISPATCHER and wanted:
        contacts = {v.volunteer_id: v for v in bound(VolunteerRecord).batch_get(wanted)}
        audit.record(who, f"incident:{incident_id}", "volunteers.contacts", ",".join(sorted(wanted)))
    listed = [
        responder_view(a, *((c.name, c.phone) if (c := contacts.get(a.volunteer_id)) else (None, None))) for a in found
    ]
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
        rnd.update(actions=[RoundRecord.unsafe.set(True), RoundRecord.unsafe_note.set(body.note or "")])
        found = list(bound(AlertRecord).query(incident_id, consistent_read=True))
        alerts.stand_down(rnd, found, "unsafe_scene", now, keep_accepted=False)
        notify.to_desk(rnd, "volunteers_stood_down")
    elif rnd.unsafe:
        generation = int(rnd.generation) + 1
        rnd.update(actions=[RoundRecord.unsafe.set(False), RoundRecord.ended_at.remove(),
                            RoundRecord.ended_reason.remove(), RoundRecord.started_at.set(now),
                            RoundRecord.generation.set(generation)])  # fmt: skip
        if alerts.is_arrest(inc.symptoms) or _alerted_before(incident_id):
            # A new execution owns the round; an older one still waiting stops at its next step.
            start_round(incident_id, f"{incident_id}-g{generation}", generation)
    return responders(who, incident_id)


def _alerted_before(incident_id: str) -> bool:
    return any(True for _ in bound(AlertRecord).query(incident_id, limit=1))


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


def responder_view(a: AlertRecord, name: str | None = None, phone: str | None = None) -> ResponderView:
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
