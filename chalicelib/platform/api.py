"""What other domains may use of the platform: the audit trail's port and the idempotency store."""

from __future__ import annotations

from typing import Any

from chalicelib.platform.entities import AuditEvent
from chalicelib.platform.ports import PlatformStore
from chalicelib.platform.wiring import get_idempotency_layer, get_store

__all__ = ["AuditEvent", "PlatformStore", "audit_store", "idempotency_layer"]


def audit_store() -> PlatformStore:
    """The audit trail (and heartbeats) store, for ports that take it."""
    return get_store()


def idempotency_layer() -> Any:
    """Powertools' persistence layer for `@idempotent_function` (one per container)."""
    return get_idempotency_layer()
