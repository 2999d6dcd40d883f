"""Booking messages over MQTT: the hospital's inbound topic, the crew's dispatch topic, the county desk."""

from __future__ import annotations

from typing import Any

from chalicelib.bookings.logic import inbound_topic
from chalicelib.bookings.ports import BookingMessages


class MqttBookingMessages(BookingMessages):
    # The publisher is looked up per call: the local stack installs its own after start-up.
    def to_hospital(self, hospital_id: str, message: dict[str, Any]) -> None:
        from chalicelib.core.publisher import get_publisher

        get_publisher().publish(inbound_topic(hospital_id), message, qos=1)

    def to_crew(self, unit_id: str, message: dict[str, Any]) -> None:
        from chalicelib.core.publisher import get_publisher
        from chalicelib.dispatch.api import unit_topic

        get_publisher().publish(unit_topic(unit_id), message, qos=1)

    def to_desk(self, county: str, message: dict[str, Any]) -> None:
        from chalicelib.core.publisher import get_publisher
        from chalicelib.dispatch.api import board_topic

        get_publisher().publish(board_topic(county), message, qos=1)
