"""Edge contract of the handover."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from chalicelib.core.model import Model


class HandoverView(Model):
    incident_id: str
    booking_id: str
    hospital_id: str
    handed_over_at: datetime
    his_status: str | None = Field(description="ok when the hospital's system took the bundle")
    bundle: dict[str, Any] = Field(description="FHIR R4 Bundle (collection), validated")
