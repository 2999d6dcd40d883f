"""Opening an incident's health data (the check and its audit entry), and breaking the glass.

Every read and write of health data goes through `open_record`: the decision and the audit entry
(who, what, when, which incident, on what basis and why) are made before anything is read, so an
access that fails half way is still on the trail.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.core.observability import count
from chalicelib.healthaccess import rules
from chalicelib.healthaccess.entities import BREAK_GLASS_BASIS, Access, Basis, Grant, GrantKind
from chalicelib.healthaccess.ports import AccessPorts
from chalicelib.healthaccess.refusals import mark_on_trail, reason_of
from chalicelib.healthaccess.schemas import BreakGlassRequest, GrantView
from chalicelib.incidents import scope
from chalicelib.platform import audit
from chalicelib.platform.api import AuditEvent

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
        audit.record(who, subject(incident_id), f"{action}.denied", reason_of(refused), store=ports.audit)
        mark_on_trail(refused)
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
        raise scope.missing()
    reason = req.reason  # trimmed by the request model: a reason of spaces is no reason
    grant = Grant(
        incident_id=incident_id,
        grantee=who.subject,
        kind=GrantKind.BREAK_GLASS,
        reason=reason,
        granted_by=who.subject,
        granted_at=now,
        expires_at=now + timedelta(minutes=req.minutes),
        basis=BREAK_GLASS_BASIS,
    )
    ports.grants.add(grant)
    audit.record(who, subject(incident_id), "access.break_glass", reason, basis=Basis.BREAK_GLASS.value,
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
            "reason": reason,
            "expires_at": grant.expires_at.isoformat(),
            "at": now.isoformat(),
        },
    )
    return GrantView(
        incident_id=incident_id, grantee=grant.grantee, kind=grant.kind.value, reason=grant.reason,
        granted_at=grant.granted_at, expires_at=grant.expires_at,
    )  # fmt: skip


def revoke(ports: AccessPorts, incident_id: str, grantee: str, basis: str, why: str, now: datetime) -> bool:
    """End the grantee's grant held on `basis` at once (its reason ended); grants on other bases stay."""
    if not ports.grants.revoke(incident_id, grantee, basis):
        return False
    ports.audit.append_audit(AuditEvent(
        subject=subject(incident_id), event_id=f"{now.isoformat()}#{secrets.token_hex(4)}", actor="system",
        role="system", action="access.revoked", reason=f"{grantee} {basis}: {why}", basis=Basis.GRANT.value, at=now,
    ))  # fmt: skip
    return True


def hospital_may_read(ports: AccessPorts, hospital_id: str, incident_id: str, now: datetime) -> bool:
    """Whether the hospital's accounts still reach the incident's health data (standing rule or any grant)."""
    hospital = Principal(subject=f"hospital:{hospital_id}", role=Role.HOSPITAL, scopes=[f"hospital:{hospital_id}"])
    try:
        rules.decide(ports, hospital, incident_id, now)
    except (Forbidden, NotFound):
        return False
    return True
