"""Append-only audit trail: who did what to which subject, when and why."""

from __future__ import annotations

import secrets

from chalicelib.core.auth import Principal
from chalicelib.core.clock import utcnow
from chalicelib.platform.entities import AuditEvent
from chalicelib.platform.ports import PlatformStore
from chalicelib.platform.wiring import get_store


def record(
    principal: Principal,
    subject: str,
    action: str,
    reason: str | None = None,
    *,
    basis: str | None = None,
    store: PlatformStore | None = None,
) -> AuditEvent:
    now = utcnow()
    event = AuditEvent(
        subject=subject,
        event_id=f"{now.isoformat()}#{secrets.token_hex(4)}",
        actor=principal.subject,
        role=principal.role.value,
        action=action,
        reason=reason,
        basis=basis,
        at=now,
    )
    (store or get_store()).append_audit(event)
    return event
