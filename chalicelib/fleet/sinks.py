"""Default UnitAvailableSink: announce the free unit over MQTT.

Dispatch replaces or wraps this sink (`deps.use_available_sink`) to hand the unit
to the longest-waiting incident; the MQTT message keeps dashboards current either way.
"""

from __future__ import annotations

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
