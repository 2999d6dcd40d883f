"""Call intake: locate, join a nearby open incident or open a new one, start its workflow.

A call is never lost: the incident and its call are stored in one transaction before
anything else; if starting the workflow then fails, the reconciler starts it later.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from chalicelib.core.counties import in_service_area, nearest_county
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.geo import cell_at as h3_cell
from chalicelib.core.geo import distance_m, neighbours
from chalicelib.core.observability import count, logger
from chalicelib.core.workflows import AlreadyStarted, WorkflowStarter
from chalicelib.incidents.entities import Call, Incident
from chalicelib.incidents.ports import IncidentClosed, IncidentStore, LockHeld
from chalicelib.incidents.schemas import Confidence, DeviceLocation, Location, Symptom

WORKFLOW = "call_to_admission"
DEDUPE_WINDOW = timedelta(minutes=10)
DEDUPE_RADIUS_M = 50.0
# Area claims: H3 resolution 10 cells (~76 m edge, ~130 m across). A point's cell and its six
# neighbours cover every point within 50 m of it, so two calls within the radius always share a claim.
CLAIM_RES = 10
# A claim only has to outlive the index lag: after it the link lookup's Query sees the incident.
CLAIM_LEASE = timedelta(seconds=60)
CLAIM_TRIES = 3


def new_id(prefix: str, now: datetime) -> str:
    """Time-sortable, unguessable, and a valid Step Functions execution name."""
    return f"{prefix}{now:%Y%m%d%H%M%S}{secrets.token_hex(5)}"


def device_location(loc: DeviceLocation) -> Location:
    if not in_service_area(loc.lat, loc.lon):
        raise ValidationFailed(
            "this location is outside the service area: call your local emergency number",
            code="out_of_service_area",
        )
    county = nearest_county(loc.lat, loc.lon)
    return Location(
        address_code=None,
        text=None,
        lat=loc.lat,
        lon=loc.lon,
        county=county.code,
        confidence=Confidence.DEVICE,
        accuracy_m=loc.accuracy_m,
    )


def find_duplicate(candidates: list[Incident], loc: Location, now: datetime) -> Incident | None:
    """The open incident this call belongs to: same door, or within 50 m, in the last 10 min."""
    best: tuple[float, Incident] | None = None
    for inc in candidates:
        if not inc.is_open or now - inc.created_at > DEDUPE_WINDOW:
            continue
        same_door = loc.address_code is not None and loc.address_code == inc.location.address_code
        dist = 0.0 if same_door else distance_m(loc.lat, loc.lon, inc.location.lat, inc.location.lon)
        if dist <= DEDUPE_RADIUS_M and (best is None or dist < best[0]):
            best = (dist, inc)
    return best[1] if best else None


def take_call(
    *,
    store: IncidentStore,
    starter: WorkflowStarter,
    loc: Location,
    channel: str,
    now: datetime,
    phone: str | None = None,
    symptoms: list[Symptom] | None = None,
    note: str | None = None,
) -> tuple[Incident, Call]:
    call = Call(
        call_id=new_id("CALL", now),
        incident_id="",
        channel=channel,
        created_at=now,
        location=loc,
        phone=phone,
        symptoms=list(symptoms or []),
        note=note,
    )
    nearby = store.open_incidents(loc.county, now - DEDUPE_WINDOW)
    duplicate = find_duplicate(nearby, loc, now)
    if duplicate is not None:
        call.incident_id, call.linked = duplicate.incident_id, True
        try:
            store.link(duplicate, call, now)
            count("CallLinked")
            return duplicate, call
        except IncidentClosed:
            call.linked = False  # closed meanwhile: this call opens a new incident
    incident = Incident(
        incident_id=new_id("INC", now),
        county=loc.county,
        status="received",
        location=loc,
        symptoms=list(symptoms or []),
        created_at=now,
        source=channel,
    )
    # The open incidents the Query found are not this call's emergency: their claims do not stop it.
    others = {own_claim(i.location): i.incident_id for i in nearby}
    joined = _open(store, incident, call, now, others)
    if joined is not None:
        count("CallLinked")
        return joined, call
    count("IncidentOpened")
    start_workflow(incident.incident_id, starter=starter)
    return incident, call


def _open(
    store: IncidentStore, incident: Incident, call: Call, now: datetime, others: dict[str, str]
) -> Incident | None:
    """Store the new incident with its area claims; None when stored. Simultaneous calls within the
    radius (which the index has not shown each other yet) collide on a claim: the loser joins the
    winner's incident, so they end on one incident with every call kept. A claim held by an
    incident beyond the radius, or closed, is passed on the next try (and only while that incident holds it)."""
    claims = area_claims(incident.location)
    passable = {c: others[c] for c in claims if c in others}
    for _ in range(CLAIM_TRIES):
        call.incident_id, call.linked = incident.incident_id, False
        try:
            store.create(incident, call, claims, now + CLAIM_LEASE, passable=passable)
            return None
        except LockHeld as held:
            winner = _join_claimant(store, set(held.held.values()), call, now)
            if winner is not None:
                return winner
            passable |= held.held
    # Never lose a call: after the tries, open the incident whatever the claims say.
    call.incident_id, call.linked = incident.incident_id, False
    count("CallClaimsOverridden")
    store.create(incident, call, claims, now + CLAIM_LEASE, force=True)
    return None


def _join_claimant(store: IncidentStore, incident_ids: set[str], call: Call, now: datetime) -> Incident | None:
    found = [i for i in (store.get(incident_id) for incident_id in sorted(incident_ids)) if i is not None]
    winner = find_duplicate(found, call.location, now)
    if winner is None:
        return None
    call.incident_id, call.linked = winner.incident_id, True
    try:
        store.link(winner, call, now)
    except IncidentClosed:
        call.linked = False
        return None
    return winner


def own_claim(loc: Location) -> str:
    return f"area#{h3_cell(loc.lat, loc.lon, CLAIM_RES)}"


def area_claims(loc: Location) -> list[str]:
    """The call's own cell first (written), then its six neighbours (checked): what simultaneous
    calls within the linking radius share, whichever side of a cell border they are on."""
    own = h3_cell(loc.lat, loc.lon, CLAIM_RES)
    return [f"area#{c}" for c in [own, *sorted(set(neighbours(own)) - {own})]]


def start_workflow(incident_id: str, *, starter: WorkflowStarter) -> str:
    """Start the incident's execution, named by the incident so a repeat is a no-op.

    Returns "started", "already" or "deferred": a failure is tolerated here because the
    incident is already stored and the reconciler retries.
    """
    try:
        starter.start(WORKFLOW, incident_id, {"incident_id": incident_id})
    except AlreadyStarted:
        return "already"
    except Exception as exc:
        count("WorkflowStartDeferred")
        logger().warning(
            "workflow start deferred to reconciler", extra={"incident_id": incident_id, "error": type(exc).__name__}
        )
        return "deferred"
    return "started"


def reconcile(
    *, store: IncidentStore, starter: WorkflowStarter, now: datetime, grace: timedelta, limit: int = 100
) -> list[str]:
    """Start the workflow of every incident stored but not registered by its execution."""
    started = []
    for incident in store.unstarted(now - grace, limit):
        outcome = start_workflow(incident.incident_id, starter=starter)
        if outcome == "already":
            # Its execution exists (e.g. failed before registering): stop retrying it.
            store.mark_started(incident.incident_id, "existing")
        if outcome != "deferred":
            started.append(incident.incident_id)
    return started
