"""What the simulated onboard devices publish: every message built through the device schema (so
the simulator cannot send what the platform would reject), one `seq` counter per unit."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from chalicelib.telemetry import schemas
from devstack.mqtt_client import MqttError, MqttPublisher, MqttSubscriber
from devstack.sim_route import Fix, Point

log = logging.getLogger(__name__)


class DeviceClient(MqttSubscriber, MqttPublisher):
    """Subscribed to one filter and publishing on the same connection, as an onboard device is."""


class Devices:
    def __init__(self, client: DeviceClient, rng: random.Random) -> None:
        self.client, self.rng = client, rng
        self.where: dict[str, Point] = {}  # each unit's last published fix
        self._seq: dict[str, int] = {}
        self._link_ok = True

    def position(self, unit_id: str, fix: Fix) -> None:
        self.where[unit_id] = Point(fix.lat, fix.lon)
        message = schemas.Position(
            unit_id=unit_id,
            seq=self._next_seq(unit_id),
            ts=datetime.now(UTC),
            lat=round(fix.lat, 7),
            lon=round(fix.lon, 7),
            speed_kmh=round(fix.speed_kmh, 1),
            heading_deg=round(fix.heading_deg, 1) % 360.0,  # 359.96 rounds to 360, outside the schema
            accuracy_m=round(self.rng.uniform(3.0, 8.0), 1),
        )
        self._send(f"ems/units/{unit_id}/telemetry", message, qos=0)  # superseded within a second anyway

    def vitals(self, unit_id: str, incident_id: str, reading: dict[str, Any]) -> None:
        seq, ts = self._next_seq(unit_id), datetime.now(UTC)
        message = schemas.Vitals(unit_id=unit_id, seq=seq, ts=ts, incident_id=incident_id, **reading)
        self._send(f"ems/units/{unit_id}/vitals", message, qos=1)

    def _next_seq(self, unit_id: str) -> int:
        # One counter per device across its topics: increasing on each, restarting with the simulator.
        self._seq[unit_id] = self._seq.get(unit_id, -1) + 1
        return self._seq[unit_id]

    def _send(self, topic: str, message: BaseModel, qos: int) -> None:
        if not self.client.ready.is_set():
            return  # no link: a device drops live fixes rather than stall the ones after
        try:
            self.client.publish(topic, message.model_dump(mode="json", exclude={"kind"}, exclude_none=True), qos)
        except MqttError as exc:
            if self._link_ok:
                log.warning("simulator cannot publish: %s", exc)
            self._link_ok = False
            return
        self._link_ok = True
