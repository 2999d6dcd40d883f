"""The access rule for an incident's health data (vitals, files, assessments, the portrait).

- the crew of the unit assigned to the incident;
- a dispatcher of the incident's county (or city-wide);
- the receiving hospital: the incident's destination, or a hospital holding an active grant
  (a booking or a referral gives one);
- anyone holding an active break-the-glass grant of their own.

A crew's unit comes from its token, so only its own units are read: no other unit or incident id
can be probed. A missing incident and someone else's incident look alike from outside: a
dispatcher gets 404 `incident_not_found` for both (`chalicelib.incidents.scope`), a hospital 403
`not_destination` for both.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.fleet.ports import FleetStore
from chalicelib.healthaccess.entities import Access, Basis, Grant, GrantKind
from chalicelib.healthaccess.ports import AccessPorts
from chalicelib.incidents import scope


class NotAssigned(Forbidden):
    code = "not_assigned"


class NotDestination(Forbidden):
    code = "not_destination"


class ResponderRefused(Forbidden):
    code = "responder_no_health_data"


def refuse_responders(who: Principal) -> None:
    """Co-responders (fire, police, red cross) get the place and nature of the call, never health
    data: not from the standing rule, and no grant (not even a break of the glass) changes that."""
    if who.role is Role.RESPONDER:
        raise ResponderRefused("co-responders never see health data")


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


def grant_for(grants: list[Grant], who: Principal, now: datetime) -> Grant | None:
    """The principal's own active grant, or its hospital's; break-the-glass first (its reason is audited)."""
    mine = {who.subject} | {f"hospital:{h}" for h in who.scope_ids("hospital")}
    active = [g for g in grants if g.grantee in mine and g.active(now)]
    active.sort(key=lambda g: (g.kind is not GrantKind.BREAK_GLASS, g.expires_at))
    return active[0] if active else None


def decide(ports: AccessPorts, who: Principal, incident_id: str, now: datetime) -> Access:
    """How `who` may reach the incident's health data, or the 403/404 that says why not."""
    refuse_responders(who)
    try:
        return _standing(ports, who, incident_id)
    except (Forbidden, NotFound) as refused:
        grant = grant_for(ports.grants.of_incident(incident_id), who, now)
        if grant is None:
            raise refused from None
        basis = Basis.BREAK_GLASS if grant.kind is GrantKind.BREAK_GLASS else Basis.GRANT
        return Access(basis, reason=grant.reason)


def _standing(ports: AccessPorts, who: Principal, incident_id: str) -> Access:
    """Access from the person's role on the incident itself, without any grant."""
    if who.role is Role.CREW:
        return Access(Basis.ASSIGNED_CREW, unit_id=assigned_unit(ports.fleet, who, incident_id))
    if who.role not in (Role.HOSPITAL, Role.DISPATCHER):
        raise Forbidden(f"role {who.role} may not see health data", code="role_denied")
    incident = ports.incidents.get(incident_id)
    if who.role is Role.HOSPITAL:
        if incident is None or incident.destination_id not in who.scope_ids("hospital"):
            raise NotDestination("this hospital is not the incident's destination")
        return Access(Basis.RECEIVING_HOSPITAL)
    if incident is None:
        raise scope.missing()
    scope.require_county(who, incident_id, incident.county)
    return Access(Basis.COUNTY_DISPATCHER)
