"""What other domains may ask of dispatch: an incident as dispatch sees it, the dispatcher's
view of it, travel times, the crew's job and the topics dispatch publishes on, and the hand-off
of a unit that just came free. The ports load on first call (cold start)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.core.auth import Principal
from chalicelib.dispatch.entities import DispatchIncident, Point
from chalicelib.dispatch.eta import ModelEta
from chalicelib.dispatch.messages import board_topic, unit_topic

if TYPE_CHECKING:
    from chalicelib.dispatch.schemas import DispatchView
    from chalicelib.fleet.entities import UnitAvailable

__all__ = ["DispatchIncident", "ModelEta", "Point", "board_topic", "unit_topic"]


def incident(incident_id: str) -> DispatchIncident | None:
    """The incident as dispatch reads it (strongly consistent), or None."""
    from chalicelib.dispatch.wiring import get_dispatch_store

    return get_dispatch_store().get(incident_id)


def load(who: Principal, incident_id: str, action: str = "incident.read") -> DispatchIncident:
    """The incident if `who` may see it; 404 for a missing one and another county's alike (audited)."""
    from chalicelib.dispatch.service import board
    from chalicelib.dispatch.wiring import get_ports

    return board.load(get_ports(), who, incident_id, action)


def dispatch_view(inc: DispatchIncident) -> DispatchView:
    """What the dispatcher sees of the incident's dispatch: level, recommendations, assignment."""
    from chalicelib.dispatch.service import board

    return board.dispatch_view(inc)


def crew_job(incident_id: str, unit_id: str) -> dict[str, Any] | None:
    """The dispatch message of `unit_id`'s current job, rebuilt from the incident."""
    from chalicelib.dispatch import messages

    inc = incident(incident_id)
    if inc is None or inc.unit_id != unit_id:
        return None
    return messages.crew_assignment(inc, inc.chosen)


def travel_s(lat: float, lon: float, to_lat: float, to_lon: float, at: datetime) -> float:
    """Travel time by road from one point to another, with the configured ETA provider."""
    from chalicelib.dispatch.wiring import get_eta_provider

    return get_eta_provider().matrix([Point(lat, lon)], Point(to_lat, to_lon), at)[0].seconds


def eta_model() -> ModelEta:
    """The county travel-time model (arithmetic, no provider call): configured profiles when the model
    is the provider, the defaults otherwise."""
    from chalicelib.dispatch.wiring import get_eta_provider

    provider = get_eta_provider()
    return provider if isinstance(provider, ModelEta) else ModelEta()


def unit_available(event: UnitAvailable) -> None:
    """Hand a unit that just came free to the longest-waiting incident it can serve."""
    from chalicelib.core.clock import utcnow
    from chalicelib.dispatch.service.assign import on_unit_available
    from chalicelib.dispatch.wiring import get_ports

    on_unit_available(event, ports=get_ports(), now=utcnow())
