"""The alert rounds in the workflow.

`alert_responders` (routes.py) runs beside dispatch in the call-to-admission workflow: for a cardiac arrest it
starts the `first_response` execution (named by the incident: starting twice is a no-op), whose
`volunteer_round` steps run the alert rounds, waiting in between for the next answer window to end.
A separate execution, so a long alert round never holds up the ambulance's workflow, nor it the round.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.clock import utcnow
from chalicelib.core.observability import logger

MACHINE = "first_response"


def alert_responders(incident_id: str) -> dict[str, Any]:
    """For an open cardiac arrest, start the alert rounds' execution."""
    from chalicelib.dispatch import api as dispatch
    from chalicelib.volunteers.alerts import is_arrest

    inc = dispatch.incident(incident_id)
    if inc is None:
        raise LookupError(f"no incident {incident_id}")
    if not (inc.is_open and is_arrest(inc.symptoms)):
        return {"alerting": False}
    return {"alerting": True, "started": start_round(incident_id)}


def start_round(incident_id: str, name: str | None = None, generation: int = 0) -> bool:
    """Start the alert rounds' execution; False when one of that name already runs (or ran)."""
    from chalicelib.core.workflows import AlreadyStarted, get_starter

    try:
        get_starter().start(MACHINE, name or incident_id, {"incident_id": incident_id, "generation": generation})
    except AlreadyStarted:
        return False
    return True


def volunteer_round(incident_id: str, *, first: bool, generation: int, error: Any = None) -> dict[str, Any]:
    """One round of the execution (the first opens it), or, after the rounds failed, the desk told."""
    from chalicelib.volunteers import alerts

    if error is not None:
        return _failed(incident_id, error)
    now = utcnow()
    outcome = alerts.start(incident_id, now, generation) if first else alerts.advance(incident_id, now, generation)
    logger().info("volunteer round", extra={"incident_id": incident_id, **outcome.as_dict()})
    return outcome.as_dict()


def arrest_found(incident_id: str) -> None:
    """An assessment found a cardiac arrest the caller did not report: alert volunteers too (best
    effort: the assessment stands whatever happens here; the round stops at once if the crew is there)."""
    try:
        start_round(incident_id)
    except Exception:
        logger().exception("could not start the volunteer alerts", extra={"incident_id": incident_id})


def _failed(incident_id: str, error: Any) -> dict[str, Any]:
    """The rounds failed: the desk alerts volunteers by phone instead (the error name only)."""
    from chalicelib.core.observability import count
    from chalicelib.core.publisher import get_publisher
    from chalicelib.dispatch import api as dispatch
    from chalicelib.volunteers.alerts import failed

    count("VolunteerAlertingFailed")
    failed(incident_id, utcnow())
    inc = dispatch.incident(incident_id)
    if inc is not None:
        reason = str((error or {}).get("Error", "Failed")) if isinstance(error, dict) else "Failed"
        payload = {"schema": 1, "type": "volunteer_alerting_failed", "incident_id": incident_id, "reason": reason}
        get_publisher().publish(f"ems/dispatch/{inc.county}/alerts", payload)
    return {"incident_id": incident_id, "told": inc is not None}
