"""Opening an incident's health data (the check and its audit entry), and breaking the glass.

Every read and write of health data goes through `open_record`: the decision and the audit entry
(who, what, when, which incident, on what basis and why) are made before anything is read, so an
access that fails half way is still on the trail.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.core.observability import count
from chalicelib.healthaccess import rules
from chalicelib.healthaccess.entities import Access, Basis, Grant, GrantKind
from chalicelib.healthaccess.ports import AccessPorts
from chalicelib.healthaccess.schemas import BreakGlassRequest, GrantView
from chalicelib.platform import audit

ALERT_SCHEMA = 1


def subject(incident_id: str) -> str:
    return f"incident:{incident_id}"


def open_record(
    ports: AccessPorts, who: Principal, incident_id: str, action: str, now: datetime, detail: str | None = None
) -> Access:
    """Allow `who` to do `action` on the incident's health data (403/404 otherwise), and audit it."""
    try:
        access = rules.decide(ports, who, incident_id, now)
    except (Forbidden, NotFound) as refused:
        # Refusals are on the trail too: repeated probing of patients is what a reviewer looks for.
        audit.record(who, subject(incident_id), f"{action}.denied", refused.code, store=ports.audit)
        raise
    reason = "; ".join(r for r in (access.reason, detail) if r) or None
    audit.record(who, subject(incident_id), action, reason, basis=access.basis.value, store=ports.audit)
    if access.basis is Basis.BREAK_GLASS:
        count("BreakGlassRead")
    return access


def break_glass(
    ports: AccessPorts, who: Principal, incident_id: str, req: BreakGlassRequest, now: datetime
) -> GrantView:
    """Emergency access outside the standing rule: a reason, a time box, an audit entry and an alert."""
    rules.refuse_responders(who)  # the refusal below would otherwise be taken as "glass to break"
    try:
        rules.decide(ports, who, incident_id, now)
    except (Forbidden, NotFound):
        pass
    else:
        raise Conflict("you already have access to this incident", code="access_not_needed")
    incident = ports.incidents.get(incident_id)
    if incident is None:
        raise NotFound("no such incident", code="incident_not_found")
    grant = Grant(
        incident_id=incident_id,
        grantee=who.subject,
        kind=GrantKind.BREAK_GLASS,
        reason=req.reason,
        granted_by=who.subject,
        granted_at=now,
        expires_at=now + timedelta(minutes=req.minutes),
    )
    ports.grants.add(grant)
    audit.record(who, subject(incident_id), "access.break_glass", req.reason, basis=Basis.BREAK_GLASS.value,
                 store=ports.audit)  # fmt: skip
    count("BreakGlassAccess")  # the alarm: a person reviews every use
    ports.alerts.break_glass(
        incident.county,
        {
            "schema": ALERT_SCHEMA,
            "type": "break_glass",
            "incident_id": incident_id,
            "county": incident.county,
            "by": who.subject,
            "role": who.role.value,
            "reason": req.reason,
            "expires_at": grant.expires_at.isoformat(),
            "at": now.isoformat(),
        },
    )
    return GrantView(
        incident_id=incident_id, grantee=grant.grantee, kind=grant.kind.value, reason=grant.reason,
        granted_at=grant.granted_at, expires_at=grant.expires_at,
    )  # fmt: skip
