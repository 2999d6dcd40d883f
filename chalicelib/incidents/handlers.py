"""Lambda entry points of the incidents domain (wired in app.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.core.clock import utcnow
from chalicelib.core.observability import count
from chalicelib.core.workflows import get_starter
from chalicelib.incidents import logic
from chalicelib.incidents.deps import get_incident_store

# Long enough for a normal start to register, short enough that a stuck call waits ~1 min.
RECONCILE_GRACE = timedelta(seconds=45)


def incident_registered(event: dict[str, Any]) -> dict[str, str]:
    incident_id = str(event["incident_id"])
    get_incident_store().mark_started(incident_id, str(event.get("execution", "")))
    return {"incident_id": incident_id, "workflow": "started"}


def incident_needs_dispatcher(event: dict[str, Any]) -> dict[str, str]:
    incident_id = str(event["incident_id"])
    # The error name only: causes can carry stack traces and ARNs.
    reason = str((event.get("error") or {}).get("Error", "WorkflowFailed"))
    get_incident_store().flag_needs_dispatcher(incident_id, reason)
    count("IncidentNeedsDispatcher")
    return {"incident_id": incident_id, "workflow": "needs_dispatcher"}


def reconcile_incidents(event: dict[str, Any]) -> dict[str, Any]:
    started = logic.reconcile(store=get_incident_store(), starter=get_starter(), now=utcnow(), grace=RECONCILE_GRACE)
    return {"started": started}
