"""Edge contract of breaking the glass."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.core.model import Model

MAX_MINUTES = 60


class BreakGlassRequest(Model):
    # Trimmed before the length rule: a reason of spaces is no reason. The trimmed text is stored.
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=500)] = Field(
        description="Why the standing rule is not enough (10-500 characters after trimming); audited"
    )
    minutes: int = Field(30, ge=5, le=MAX_MINUTES, description="How long the access lasts")


class GrantView(Model):
    incident_id: str
    grantee: str = Field(description="The principal's subject, or a scope such as hospital:H01")
    kind: str
    reason: str
    granted_at: datetime
    expires_at: datetime
