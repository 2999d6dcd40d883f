"""The dispatcher's side of dispatch: the board, the incident's dispatch detail, manual
assignment (override) and cancellation. Every command is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.core.auth import Principal
from chalicelib.core.counties import counties_for
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.observability import count, logger
from chalicelib.dispatch import messages
from chalicelib.dispatch.entities import Claim, DispatchIncident
from chalicelib.dispatch.schemas import (
    AssignmentView,
    AssignRequest,
    AssignResult,
    CancelRequest,
    CancelResult,
    DispatchView,
    IncidentList,
    IncidentSummary,
    RecommendationView,
)
from chalicelib.dispatch.service.assign import Ports, settle
from chalicelib.fleet import api as fleet_api
from chalicelib.fleet.api import FleetStore, UnitAvailableSink, UnitStatus
from chalicelib.incidents import scope
from chalicelib.incidents.schemas import PublicLocation
from chalicelib.platform import audit

# Incident statuses in which its unit has not reached the scene and may still be stood down.
_STANDABLE = ("assigned", "en_route")


def load(ports: Ports, who: Principal, incident_id: str, action: str = "incident.read") -> DispatchIncident:
    """The incident, or 404 for a missing one and another county's alike (audited as `<action>.denied`)."""
    inc = ports.store.get(incident_id)
    if inc is None:
        raise scope.missing()
    scope.require_county(who, incident_id, inc.county, action=action)
    return inc


def dispatch_view(inc: DispatchIncident) -> DispatchView:
    assignment = None
    if inc.unit_id:
        assignment = AssignmentView(
            unit_id=inc.unit_id,
            assigned_at=inc.assigned_at,
            assigned_by="auto" if inc.assigned_by == "auto" else "dispatcher",
            crew_notified=inc.notified_at is not None,
        )
    return DispatchView(
        needs=inc.needs,
        level=inc.level,
        waiting_since=inc.waiting_since if inc.status == "waiting" else None,
        recommendations=[RecommendationView.model_validate(r) for r in inc.recommendations],
        recommended_at=inc.recommended_at,
        note=inc.search_note,
        assignment=assignment,
    )


def board(ports: Ports, who: Principal, county: str | None, status: str | None) -> IncidentList:
    found = [i for c in counties_for(who, county) for i in ports.store.open_in(c)]
    if status:
        found = [i for i in found if i.status == status]
    # Waiting incidents first (longest wait on top), then the rest oldest first.
    found.sort(key=lambda i: (i.status != "waiting", i.waiting_since or i.created_at, i.incident_id))
    return IncidentList(incidents=[summary(i) for i in found])


def summary(inc: DispatchIncident) -> IncidentSummary:
    return IncidentSummary(
        incident_id=inc.incident_id,
        status=inc.status,
        county=inc.county,
        location=PublicLocation.model_validate(inc.location),
        symptoms=list(inc.symptoms),  # type: ignore[arg-type]
        created_at=inc.created_at,
        dispatch=dispatch_view(inc),
        workflow=inc.workflow,
    )


def assign(
    *,
    ports: Ports,
    fleet: FleetStore,
    sink: UnitAvailableSink,
    who: Principal,
    incident_id: str,
    req: AssignRequest,
    now: datetime,
) -> AssignResult:
    inc = load(ports, who, incident_id, "incident.assign")
    if not inc.is_open:
        raise Conflict(f"the incident is {inc.status}", code="incident_closed", details={"status": inc.status})
    if inc.unit_id == req.unit_id:
        return AssignResult(incident_id=incident_id, unit_id=req.unit_id, previous_unit_id=None, status=inc.status)
    if inc.unit_id and inc.status not in _STANDABLE:
        raise Conflict(
            "the assigned unit has reached the scene; it cannot be replaced",
            code="unit_on_scene",
            details={"status": inc.status, "unit_id": inc.unit_id},
        )
    unit = fleet.get(req.unit_id)
    if unit is None:
        raise NotFound("no such unit", code="unit_not_found")
    who.require_scope("county", unit.unit.county)
    if unit.unit.status is not UnitStatus.AVAILABLE:
        raise Conflict(
            "the unit is not available", code="unit_not_available", details={"status": unit.unit.status.value}
        )
    result = ports.store.claim(inc, req.unit_id, who.subject, now)
    if result is Claim.UNIT_TAKEN:
        raise Conflict("the unit was just assigned elsewhere", code="unit_not_available")
    if result is Claim.SETTLED:
        raise Conflict("the incident changed meanwhile; reload it", code="incident_changed")
    previous = inc.unit_id
    what = f"unit {req.unit_id}" + (f" replacing {previous}" if previous else "")
    audit.record(who, f"incident:{incident_id}", "incident.assign", f"{what}: {req.reason or 'no reason given'}")
    count("ManualAssignment")
    if previous:
        _stood_down(ports, fleet, sink, previous, incident_id, "reassigned", now)
    fresh = ports.store.get(incident_id)
    if fresh is not None:
        _settle_quietly(fresh, ports, now)
    return AssignResult(incident_id=incident_id, unit_id=req.unit_id, previous_unit_id=previous, status="assigned")


def cancel(
    *,
    ports: Ports,
    fleet: FleetStore,
    sink: UnitAvailableSink,
    who: Principal,
    incident_id: str,
    req: CancelRequest,
    now: datetime,
    closed: Callable[[str], object],
) -> CancelResult:
    """`closed` tells the incident's workflow it is over (its caller composes it: dispatch does not
    import the workflow that imports dispatch)."""
    inc = load(ports, who, incident_id, "incident.cancel")
    if inc.status == "cancelled":
        return CancelResult(incident_id=incident_id, status="cancelled", freed_unit_id=None)  # a repeat
    if not inc.is_open:
        raise Conflict(f"the incident is {inc.status}", code="incident_closed", details={"status": inc.status})
    if not ports.store.cancel(inc, req.reason, who.subject, now):
        fresh = ports.store.get(incident_id)
        if fresh is not None and fresh.status == "cancelled":
            return CancelResult(incident_id=incident_id, status="cancelled", freed_unit_id=None)  # raced a repeat
        if fresh is not None and fresh.unit_id and fresh.status not in _STANDABLE:
            raise Conflict(
                "the unit is on scene: the crew closes the job",
                code="unit_on_scene",
                details={"status": fresh.status, "unit_id": fresh.unit_id},
            )
        raise Conflict("the incident changed meanwhile; reload it", code="incident_changed")
    audit.record(who, f"incident:{incident_id}", "incident.cancel", req.reason)
    count("IncidentCancelled")
    if inc.unit_id:
        _stood_down(ports, fleet, sink, inc.unit_id, incident_id, "cancelled", now)
    if inc.wait_token:
        ports.waker.wake(inc.wait_token, {"outcome": "changed"})  # its next step sees it closed
    closed(incident_id)  # a workflow past dispatch ends instead of waiting for a crew that was stood down
    return CancelResult(incident_id=incident_id, status="cancelled", freed_unit_id=inc.unit_id)


def _stood_down(
    ports: Ports, fleet: FleetStore, sink: UnitAvailableSink, unit_id: str, incident_id: str, why: str, now: datetime
) -> None:
    """Tell the released crew, then offer the unit to waiting incidents (it is free again)."""
    try:
        ports.crew.send(unit_id, messages.stand_down(incident_id, why, now))
    except Exception:
        logger().exception("stand-down not delivered", extra={"unit_id": unit_id})
        count("StandDownFailed")
    state = fleet.get(unit_id, consistent=True)  # the release was just written
    if state is not None and state.unit.status is UnitStatus.AVAILABLE:
        fleet_api.announce(sink, state, incident_id, now)


def _settle_quietly(inc: DispatchIncident, ports: Ports, now: datetime) -> None:
    try:
        settle(inc, ports, now)
    except Exception:
        # The assignment stands; the crew also sees it in GET /v1/units/{id}/assignment.
        logger().exception("crew notification failed", extra={"incident_id": inc.incident_id})
        count("CrewNotifyFailed")
