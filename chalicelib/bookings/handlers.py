"""Lambda entry points of bookings (wired in app.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.core.clock import utcnow


def booking_timeout(event: dict[str, Any]) -> dict[str, Any]:
    """The workflow's timer ran out on an offer: expire it and offer the next hospital (a no-op once answered)."""
    from chalicelib.bookings.service import expire

    booking_id = str(event["booking_id"])
    view = expire(booking_id, utcnow())
    if view is None:
        return {"booking_id": booking_id, "expired": False}
    return {"booking_id": booking_id, "expired": True, "next_booking_id": view.next_booking_id}


def booking_state(event: dict[str, Any]) -> dict[str, Any]:
    """The workflow's look at the admission: offer the top hospital if nothing is open (`offer`), expire an
    offer past its time; returns {"state": accepted | waiting | exhausted, "answer_s"}."""
    from chalicelib.bookings.service import workflow_state

    return workflow_state(str(event["incident_id"]), utcnow(), offer=bool(event.get("offer", False)))
