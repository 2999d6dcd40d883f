"""The DynamoDB DispatchStore: every claim is one transaction over the unit, the incident
and the eTimes record, so a unit is never assigned twice and never lost between the two."""

from __future__ import annotations

import uuid
from datetime import datetime

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core.config import get_settings
from chalicelib.dispatch.entities import Claim, DispatchIncident, Point, SearchRecord
from chalicelib.dispatch.ports import DispatchStore
from chalicelib.fleet import api as fleet
from chalicelib.fleet.api import TimeNode, UnitType
from chalicelib.incidents import api as incidents
from chalicelib.incidents.api import IncidentState, Recommendations


def _incident(r: IncidentState) -> DispatchIncident:
    loc = r.location
    return DispatchIncident(
        incident_id=r.incident_id,
        county=r.county,
        status=r.status,
        point=Point(float(loc["lat"]), float(loc["lon"])),
        address_text=loc.get("text"),
        symptoms=tuple(sorted(r.symptoms or ())),
        needs=UnitType(r.needs or UnitType.ALS.value),
        created_at=r.created_at,
        level=r.dispatch_level,
        waiting_since=r.waiting_since,
        wait_token=r.wait_token,
        unit_id=r.unit_id,
        assigned_at=r.assigned_at,
        assigned_by=r.assigned_by,
        notified_at=r.notified_at,
        recommendations=list(r.recommendations or []),
        recommended_at=r.recommended_at,
        search_note=r.search_note,
        workflow=r.workflow,
        attention=r.attention,
        location=dict(loc),
    )


def _recommendations(search: SearchRecord) -> Recommendations:
    return Recommendations([r.as_dict() for r in search.recommendations], search.level, search.note)


def _token() -> str:
    """One per logical write: the SDK's retries of a transaction whose reply was lost reuse it,
    so DynamoDB answers them as the committed original instead of failing their conditions."""
    return str(uuid.uuid4())


def _reasons(exc: TransactWriteError) -> list[str | None]:
    return [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]


class DynamoDispatchStore(DispatchStore):
    def __init__(self) -> None:
        s = get_settings()
        self.connection = Connection(region=s.region, host=s.aws_endpoint_url)

    def get(self, incident_id: str) -> DispatchIncident | None:
        found = incidents.find(incident_id, consistent=True)
        return _incident(found) if found else None

    def save_search(self, incident_id: str, search: SearchRecord, now: datetime) -> None:
        incidents.save_recommendations(incident_id, _recommendations(search), now)

    def claim(
        self, incident: DispatchIncident, unit_id: str, by: str, now: datetime, search: SearchRecord | None = None
    ) -> Claim:
        previous = incident.unit_id if incident.unit_id != unit_id else None
        try:
            with TransactWrite(connection=self.connection, client_request_token=_token()) as tx:
                # The order matters: a cancellation reason is read by its position (below).
                fleet.add_time_node(tx, incident.incident_id, unit_id, TimeNode.UNIT_NOTIFIED, now, by)
                if previous:
                    fleet.add_time_node(tx, incident.incident_id, previous, TimeNode.CANCELLED, now, by)
                    fleet.add_time_node(tx, incident.incident_id, previous, TimeNode.BACK_IN_SERVICE, now, by)
                fleet.add_claim(tx, unit_id, incident.incident_id, now)
                incidents.add_assignment(
                    tx, incident.incident_id, unit_id, by=by, now=now, previous=previous,
                    search=_recommendations(search) if search else None,
                )  # fmt: skip
                if previous:
                    fleet.add_release(tx, previous, incident.incident_id, now)
        except TransactWriteError as exc:
            reasons = _reasons(exc)
            puts = 3 if previous else 1
            failed = {i - puts for i, code in enumerate(reasons) if code == "ConditionalCheckFailed"}
            if 1 in failed or 2 in failed:
                return Claim.SETTLED  # the incident (or the unit it had) changed: decide again on a fresh read
            if 0 in failed or "TransactionConflict" in reasons:
                # Another transaction on the unit (a rival claim, a position report) is in flight:
                # move on to the next candidate rather than wait for it.
                return Claim.UNIT_TAKEN
            raise
        return Claim.CLAIMED

    def wait(self, incident_id: str, pool: str, level: str, now: datetime) -> bool:
        return incidents.start_waiting(incident_id, pool, level, now)

    def keep_token(self, incident_id: str, token: str) -> bool:
        return incidents.keep_wait_token(incident_id, token)

    def waiting(self, pool: str, limit: int) -> list[DispatchIncident]:
        return [_incident(r) for r in incidents.waiting_in(pool, limit)]

    def open_in(self, county: str) -> list[DispatchIncident]:
        return [_incident(r) for r in incidents.open_in_county(county)]

    def mark_notified(self, incident_id: str, unit_id: str, now: datetime) -> None:
        incidents.mark_notified(incident_id, unit_id, now)

    def cancel(self, incident: DispatchIncident, reason: str, by: str, now: datetime) -> bool:
        try:
            with TransactWrite(connection=self.connection, client_request_token=_token()) as tx:
                if incident.unit_id:
                    fleet.add_time_node(tx, incident.incident_id, incident.unit_id, TimeNode.CANCELLED, now, by)
                    fleet.add_time_node(tx, incident.incident_id, incident.unit_id, TimeNode.BACK_IN_SERVICE, now, by)
                incidents.add_cancellation(tx, incident.incident_id, incident.unit_id, reason, now)
                if incident.unit_id:
                    fleet.add_release(tx, incident.unit_id, incident.incident_id, now)
        except TransactWriteError as exc:
            if {"ConditionalCheckFailed", "TransactionConflict"} & set(_reasons(exc)):
                return False
            raise
        return True
