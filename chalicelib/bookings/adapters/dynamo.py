"""The bookings on the `bookings` table (PynamoDB)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.bookings.dal import BookingRecord
from chalicelib.bookings.entities import Booking
from chalicelib.bookings.ports import BookingStore
from chalicelib.core.tables import bound

_FIELDS = [f.name for f in dataclasses.fields(Booking)]


class DynamoBookingStore(BookingStore):
    def add(self, booking: Booking) -> None:
        values = dataclasses.asdict(booking)
        record = bound(BookingRecord)(values.pop("booking_id"), **values)
        record.save(condition=BookingRecord.booking_id.does_not_exist())

    def get(self, booking_id: str) -> Booking | None:
        try:
            return _entity(bound(BookingRecord).get(booking_id, consistent_read=True))
        except DoesNotExist:
            return None

    def of_incident(self, incident_id: str) -> list[Booking]:
        return [_entity(r) for r in bound(BookingRecord).by_incident.query(incident_id)]

    def of_hospital_since(self, hospital_id: str, since: datetime) -> list[Booking]:
        rows = bound(BookingRecord).by_hospital.query(hospital_id, BookingRecord.created_at >= since)
        return [_entity(r) for r in rows]

    def set(self, booking: Booking, changes: dict[str, Any], *, if_status: str | None = None) -> Booking | None:
        actions: list[Action] = []
        for name, value in changes.items():
            attribute = getattr(BookingRecord, name)
            actions.append(attribute.remove() if value is None else attribute.set(value))
        record = bound(BookingRecord)(booking.booking_id)
        condition = BookingRecord.status == if_status if if_status is not None else None
        try:
            record.update(actions=actions, condition=condition)
        except UpdateError as exc:
            if if_status is not None and exc.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return _entity(record)  # the update answers with the whole item

    def incident_of(self, booking_id: str) -> str | None:
        try:
            return str(bound(BookingRecord).get(booking_id, attributes_to_get=["incident_id"]).incident_id)
        except DoesNotExist:
            return None


def _entity(r: BookingRecord) -> Booking:
    values = {name: getattr(r, name) for name in _FIELDS}
    for name in ("rank", "level", "eta_s"):  # numbers come back as floats or Decimals
        values[name] = int(values[name]) if values[name] is not None else None
    values["needs"] = list(values["needs"] or [])
    values["orders"] = list(values["orders"] or [])
    values["teams"] = list(values["teams"] or [])
    values["kind"] = values["kind"] or "admission"
    values["qualified"] = values["qualified"] or "yes"
    return Booking(**values)
