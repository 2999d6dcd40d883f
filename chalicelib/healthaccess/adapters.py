"""The break-the-glass alert on the county's dispatch board topic (MQTT)."""

from __future__ import annotations

from chalicelib.healthaccess.ports import AccessAlerts


class BoardAlerts(AccessAlerts):
    def break_glass(self, county: str, message: dict[str, object]) -> None:
        from chalicelib.core.publisher import get_publisher
        from chalicelib.dispatch.adapters import board_topic

        # Looked up per call: the local stack installs its publisher after start-up.
        get_publisher().publish(board_topic(county), message, qos=1)
