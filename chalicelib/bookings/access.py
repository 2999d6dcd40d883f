"""A hospital's access to the record lives and ends with its booking.

Acceptance grants `hospital:{id}` the record on the booking's own basis (`booking:BK..` or
`referral:RF..`). Whatever ends the booking before the handover (a cancel, a decline, a lapsed
offer, another hospital accepting, the crew taking the patient elsewhere, the incident closing)
revokes that grant at once, and the hospital's open seats in the incident's consultations end
unless it still reaches the record on another basis (a referral, a consultation of its own, the
crew naming it as destination).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.bookings.logic import basis_of

GRANT_HOURS = 12  # the receiving hospital's access to the record: the stay in the ED and a margin


def basis(record: Any) -> str:
    return basis_of(record.kind, record.booking_id)


def grant(record: Any, now: datetime) -> None:
    from chalicelib.healthaccess.api import grant_hospital

    grant_hospital(
        record.incident_id, record.hospital_id, basis(record), f"booking {record.booking_id} accepted", "system", now,
        now + timedelta(hours=GRANT_HOURS),
    )  # fmt: skip


def ended(record: Any, why: str, now: datetime) -> None:
    """The booking ended before the handover: its grant goes, and the hospital's seats with it."""
    from chalicelib.consultations.api import access_ended
    from chalicelib.healthaccess.api import hospital_may_read, revoke

    revoke(record.incident_id, f"hospital:{record.hospital_id}", basis(record), why, now)
    if not hospital_may_read(record.hospital_id, record.incident_id, now):
        access_ended(record.incident_id, record.hospital_id, basis(record), now)
