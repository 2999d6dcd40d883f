"""Booking use cases: offer a patient to a hospital, its answer, the move to the next option.

Every move is one conditional write on the status read, so an acceptance racing a decline or the
timeout has exactly one winner. Side effects that follow a stored move (messages, the hospital's
information system) never undo it: a failure is recorded on the booking and counted for the alarm.

`offers` makes offers and moves on, `answers` takes the hospital's answer and the crew's cancel,
`endings` ends bookings when something else ends them, `common` holds what they share.
"""

from __future__ import annotations

from chalicelib.bookings.service.answers import accept, cancel, decline, expire, workflow_state
from chalicelib.bookings.service.common import (
    arrive,
    arrive_by_id,
    incident_of,
    of_incident,
    of_incident_records,
    send_handover,
)
from chalicelib.bookings.service.endings import incident_closed, incident_ended, transporting, unit_transporting
from chalicelib.bookings.service.offers import create, refer

__all__ = [
    "accept",
    "arrive",
    "arrive_by_id",
    "cancel",
    "create",
    "decline",
    "expire",
    "incident_closed",
    "incident_ended",
    "incident_of",
    "of_incident",
    "of_incident_records",
    "refer",
    "send_handover",
    "transporting",
    "unit_transporting",
    "workflow_state",
]
