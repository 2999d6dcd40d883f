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
