"""The platform's own types: component heartbeats and audit events."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from chalicelib.core.model import Model


class Heartbeat(Model):
    component: str
    ok: bool
    at: datetime
    source: str
    detail: str | None = None


# DynamoDB keys hold at most 2048 bytes; only a hostile path makes a subject this long.
_SUBJECT_MAX = 512


def _keyable(subject: str) -> str:
    """A subject within the audit table's key: a longer one keeps its beginning and a hash of all of it,
    so the attempt is still on the trail instead of failing the request."""
    if len(subject.encode()) <= _SUBJECT_MAX:
        return subject
    digest = hashlib.sha256(subject.encode()).hexdigest()
    return subject.encode()[:200].decode(errors="ignore") + f"...#sha256:{digest}"


class AuditEvent(Model):
    subject: Annotated[str, AfterValidator(_keyable)]
    event_id: str
    actor: str
    role: str
    action: str
    reason: str | None = None
    basis: str | None = Field(None, description="Why health data could be reached: assigned_crew, break_glass ...")
    at: datetime
