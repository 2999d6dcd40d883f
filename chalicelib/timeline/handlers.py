"""Lambda entry points of the timeline (wired in app.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.core.clock import utcnow


def refresh_kpis(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.timeline.service import refresh

    incident_id = str(event["incident_id"])
    record = refresh(incident_id, utcnow())
    return {"incident_id": incident_id, "intervals": sorted(record.intervals) if record else []}
