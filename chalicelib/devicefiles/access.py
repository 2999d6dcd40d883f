"""Who may upload and see an incident's device files.

The crew of the unit assigned to the incident (upload and list), a dispatcher of the
incident's county and the receiving hospital (list). A crew's unit comes from its token, so
only its own units are read: no other unit or incident id can be probed.
"""

from __future__ import annotations

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.devicefiles.ports import IncidentDirectory
from chalicelib.fleet.ports import FleetStore


class NotAssigned(Forbidden):
    code = "not_assigned"


class NotDestination(Forbidden):
    code = "not_destination"


def assigned_unit(fleet: FleetStore, who: Principal, incident_id: str) -> str:
    """The crew's unit currently assigned to `incident_id`, or 403."""
    units = sorted(who.scope_ids("unit"))
    if not units:
        raise Forbidden("the token names no unit", code="scope_denied")
    for unit_id in units:
        state = fleet.get(unit_id)
        if state is not None and state.incident_id == incident_id:
            return unit_id
    raise NotAssigned("the unit is not assigned to this incident")


def may_list(fleet: FleetStore, incidents: IncidentDirectory, who: Principal, incident_id: str) -> None:
    if who.role is Role.CREW:
        assigned_unit(fleet, who, incident_id)
        return
    incident = incidents.get(incident_id)
    if who.role is Role.HOSPITAL:
        # A missing incident and another hospital's patient look alike from outside.
        if incident is None or incident.destination_id not in who.scope_ids("hospital"):
            raise NotDestination("this hospital is not the incident's destination")
        return
    if incident is None:
        if who.city_wide:
            raise NotFound("no such incident", code="incident_not_found")
        raise Forbidden("no such incident in your counties", code="scope_denied")
    who.require_scope("county", incident.county)
