"""The DynamoDB DispatchStore: every claim is one transaction over the unit, the incident
and the eTimes record, so a unit is never assigned twice and never lost between the two."""

from __future__ import annotations

import uuid
from datetime import datetime

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.core.config import get_settings
from chalicelib.core.tables import bound
from chalicelib.dispatch.models import Point
from chalicelib.dispatch.ports import Claim, DispatchIncident, DispatchStore, SearchRecord
from chalicelib.fleet.dal import UnitRecord
from chalicelib.fleet.dal_times import UnitTimeRecord, node_key
from chalicelib.fleet.logic import TimeNode
from chalicelib.fleet.models import UnitStatus, UnitType
from chalicelib.incidents.dal import IncidentRecord

# A unit may be stood down until it reaches the scene; after that the crew closes the job.
_RELEASABLE = (UnitStatus.ASSIGNED.value, UnitStatus.EN_ROUTE.value)


def _incident(r: IncidentRecord) -> DispatchIncident:
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


def _stamp(incident_id: str, unit_id: str, node: TimeNode, now: datetime, by: str) -> UnitTimeRecord:
    return bound(UnitTimeRecord)(
        incident_id, node_key(node.value, unit_id), unit_id=unit_id, node=node.value, at=now, recorded_at=now, by=by
    )


def _release(tx: TransactWrite, unit_id: str, incident_id: str, now: datetime) -> None:
    """Stand a unit down from `incident_id`: free again where it is (no read of its position)."""
    record = bound(UnitRecord)(unit_id, version=0)
    actions: list[Action] = [
        UnitRecord.status.set(UnitStatus.AVAILABLE.value),
        UnitRecord.avail_cell.set(UnitRecord.cell_coarse),  # back in the sparse indexes, where it is
        UnitRecord.avail_county.set(UnitRecord.county),
        UnitRecord.status_at.set(now),
        UnitRecord.incident_id.remove(),
        UnitRecord.assigned_at.remove(),
        UnitRecord.destination_id.remove(),
        UnitRecord.destination_name.remove(),
    ]
    cond = (UnitRecord.incident_id == incident_id) & UnitRecord.status.is_in(*_RELEASABLE)
    tx.update(record, actions=actions, condition=cond, add_version_condition=False)


def _search_actions(search: SearchRecord, now: datetime) -> list[Action]:
    note = search.note
    return [
        IncidentRecord.recommendations.set([r.as_dict() for r in search.recommendations]),
        IncidentRecord.recommended_at.set(now),
        IncidentRecord.dispatch_level.set(search.level),
        IncidentRecord.search_note.set(note) if note else IncidentRecord.search_note.remove(),
    ]


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
        try:
            return _incident(bound(IncidentRecord).get(incident_id, consistent_read=True))
        except IncidentRecord.DoesNotExist:
            return None

    def save_search(self, incident_id: str, search: SearchRecord, now: datetime) -> None:
        bound(IncidentRecord)(incident_id).update(
            actions=_search_actions(search, now), condition=IncidentRecord.incident_id.exists()
        )

    def claim(
        self, incident: DispatchIncident, unit_id: str, by: str, now: datetime, search: SearchRecord | None = None
    ) -> Claim:
        previous = incident.unit_id if incident.unit_id != unit_id else None
        unit = bound(UnitRecord)(unit_id, version=0)  # the version is bumped, not compared
        unit_actions: list[Action] = [
            UnitRecord.status.set(UnitStatus.ASSIGNED.value),
            UnitRecord.avail_cell.remove(),
            UnitRecord.avail_county.remove(),
            UnitRecord.status_at.set(now),
            UnitRecord.incident_id.set(incident.incident_id),
            UnitRecord.assigned_at.set(now),
        ]
        free = (UnitRecord.status == UnitStatus.AVAILABLE.value) & UnitRecord.incident_id.does_not_exist()
        settled: Condition = IncidentRecord.open_county.exists()
        settled &= IncidentRecord.unit_id == previous if previous else IncidentRecord.unit_id.does_not_exist()
        inc_actions: list[Action] = [
            IncidentRecord.status.set("assigned"),
            IncidentRecord.unit_id.set(unit_id),
            IncidentRecord.assigned_at.set(now),
            IncidentRecord.assigned_by.set(by),
            IncidentRecord.updated_at.set(now),
            IncidentRecord.wait_pool.remove(),
            IncidentRecord.notified_at.remove(),
            *(_search_actions(search, now) if search else ()),
        ]
        try:
            with TransactWrite(connection=self.connection, client_request_token=_token()) as tx:
                tx.save(_stamp(incident.incident_id, unit_id, TimeNode.UNIT_NOTIFIED, now, by))
                if previous:
                    tx.save(_stamp(incident.incident_id, previous, TimeNode.CANCELLED, now, by))
                    tx.save(_stamp(incident.incident_id, previous, TimeNode.BACK_IN_SERVICE, now, by))
                tx.update(unit, actions=unit_actions, condition=free, add_version_condition=False)
                tx.update(bound(IncidentRecord)(incident.incident_id), actions=inc_actions, condition=settled)
                if previous:
                    _release(tx, previous, incident.incident_id, now)
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
        try:
            bound(IncidentRecord)(incident_id).update(
                actions=[
                    IncidentRecord.status.set("waiting"),
                    IncidentRecord.wait_pool.set(pool),
                    IncidentRecord.dispatch_level.set(level),
                    IncidentRecord.updated_at.set(now),
                ],
                condition=IncidentRecord.open_county.exists() & IncidentRecord.unit_id.does_not_exist(),
            )
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        # Set once, by the first wait: the board orders by it and the alarm measures it.
        try:
            bound(IncidentRecord)(incident_id).update(
                actions=[IncidentRecord.waiting_since.set(now)],
                condition=IncidentRecord.waiting_since.does_not_exist(),
            )
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
        return True

    def keep_token(self, incident_id: str, token: str) -> bool:
        try:
            bound(IncidentRecord)(incident_id).update(
                actions=[IncidentRecord.wait_token.set(token)],
                condition=IncidentRecord.wait_pool.exists() & IncidentRecord.unit_id.does_not_exist(),
            )
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def waiting(self, pool: str, limit: int) -> list[DispatchIncident]:
        return [_incident(r) for r in bound(IncidentRecord).by_waiting.query(pool, limit=limit)]

    def open_in(self, county: str) -> list[DispatchIncident]:
        return [_incident(r) for r in bound(IncidentRecord).by_open_county.query(county)]

    def mark_notified(self, incident_id: str, unit_id: str, now: datetime) -> None:
        try:
            bound(IncidentRecord)(incident_id).update(
                actions=[IncidentRecord.notified_at.set(now)], condition=IncidentRecord.unit_id == unit_id
            )
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise  # reassigned meanwhile: the new unit's claim starts its own notification

    def cancel(self, incident: DispatchIncident, reason: str, by: str, now: datetime) -> bool:
        cond: Condition = IncidentRecord.open_county.exists()
        cond &= (
            IncidentRecord.unit_id == incident.unit_id if incident.unit_id else IncidentRecord.unit_id.does_not_exist()
        )
        actions: list[Action] = [
            IncidentRecord.status.set("cancelled"),
            IncidentRecord.closed_at.set(now),
            IncidentRecord.closed_reason.set(reason[:200]),
            IncidentRecord.updated_at.set(now),
            IncidentRecord.open_county.remove(),
            IncidentRecord.wait_pool.remove(),
        ]
        try:
            with TransactWrite(connection=self.connection, client_request_token=_token()) as tx:
                if incident.unit_id:
                    tx.save(_stamp(incident.incident_id, incident.unit_id, TimeNode.CANCELLED, now, by))
                    tx.save(_stamp(incident.incident_id, incident.unit_id, TimeNode.BACK_IN_SERVICE, now, by))
                tx.update(bound(IncidentRecord)(incident.incident_id), actions=actions, condition=cond)
                if incident.unit_id:
                    _release(tx, incident.unit_id, incident.incident_id, now)
        except TransactWriteError as exc:
            if {"ConditionalCheckFailed", "TransactionConflict"} & set(_reasons(exc)):
                return False
            raise
        return True
