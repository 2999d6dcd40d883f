"""The fleet's "unit available" sink as dispatch provides it: the free unit goes to the
longest-waiting incident it can serve, then the announcement goes out over MQTT."""

from __future__ import annotations

from chalicelib.core.clock import utcnow
from chalicelib.fleet.entities import UnitAvailable
from chalicelib.fleet.ports import UnitAvailableSink


class AssignOnAvailable(UnitAvailableSink):
    def __init__(self, then: UnitAvailableSink) -> None:
        self.then = then

    def unit_available(self, event: UnitAvailable) -> None:
        from chalicelib.dispatch.assign import on_unit_available
        from chalicelib.dispatch.wiring import get_ports

        try:
            on_unit_available(event, ports=get_ports(), now=utcnow())
        finally:
            # Dashboards learn of the unit either way; if it went straight to a waiting
            # incident they see its next status a moment later.
            self.then.unit_available(event)
