"""What bookings say to consultations, through bookings' api.

Built by the routes, not by `wiring`: bookings end a hospital's seats when its access ends
(`consultations.api.access_ended`), so the modules that api reaches must not reach back into bookings.
"""

from __future__ import annotations

from typing import Any

from chalicelib.consultations.entities import Holding
from chalicelib.consultations.ports import Bookings


class BookingsApi(Bookings):
    def holding(self, incident_id: str) -> list[Holding]:
        from chalicelib.bookings.api import holding

        return [Holding(b.hospital_id, b.basis) for b in holding(incident_id)]

    def to_hospital(self, hospital_id: str, message: dict[str, Any]) -> None:
        from chalicelib.bookings.api import notify_hospital

        notify_hospital(hospital_id, message)
