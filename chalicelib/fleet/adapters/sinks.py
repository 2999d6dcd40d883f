"""Where "a unit is free" goes: first a hand-off (dispatch gives the unit to the longest-waiting
incident), then the MQTT announcement, which keeps dashboards current either way."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.core.publisher import get_publisher
from chalicelib.fleet.entities import UnitAvailable
from chalicelib.fleet.ports import UnitAvailableSink

TOPIC = "ems/fleet/available"


class MqttAvailableSink(UnitAvailableSink):
    def unit_available(self, event: UnitAvailable) -> None:
        get_publisher().publish(
            TOPIC,
            {
                "unit_id": event.unit_id,
                "type": event.type.value,
                "county": event.county,
                "lat": event.lat,
                "lon": event.lon,
                "cell": event.cell,
                "at": event.at.isoformat(),
                "version": event.version,
                "previous_incident_id": event.previous_incident_id,
            },
            qos=1,
        )


class HandOffThenAnnounce(UnitAvailableSink):
    def __init__(self, hand_off: Callable[[UnitAvailable], None], then: UnitAvailableSink) -> None:
        self.hand_off, self.then = hand_off, then

    def unit_available(self, event: UnitAvailable) -> None:
        try:
            self.hand_off(event)
        finally:
            # Dashboards learn of the unit either way; if it went straight to a waiting
            # incident they see its next status a moment later.
            self.then.unit_available(event)
