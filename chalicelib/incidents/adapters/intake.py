"""The PynamoDB implementation of IncidentStore (imported on first use, not at cold start)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core.config import get_settings
from chalicelib.core.tables import bound
from chalicelib.incidents.dal import CallLockRecord, CallRecord, IncidentRecord
from chalicelib.incidents.entities import Call, Incident
from chalicelib.incidents.ports import IncidentClosed, IncidentStore, LockHeld
from chalicelib.incidents.schemas import Location, Symptom


def _incident_record(inc: Incident) -> IncidentRecord:
    return bound(IncidentRecord)(
        inc.incident_id,
        county=inc.county,
        status=inc.status,
        location=inc.location.model_dump(mode="json"),
        symptoms={s.value for s in inc.symptoms} or None,
        source=inc.source,
        created_at=inc.created_at,
        updated_at=inc.created_at,
        calls=inc.calls,
        workflow=inc.workflow,
        open_county=inc.county if inc.is_open else None,
        unstarted="1" if inc.workflow == "pending" else None,
    )


def _call_record(call: Call) -> CallRecord:
    return bound(CallRecord)(
        call.call_id,
        incident_id=call.incident_id,
        channel=call.channel,
        created_at=call.created_at,
        location=call.location.model_dump(mode="json"),
        phone=call.phone,
        symptoms={s.value for s in call.symptoms} or None,
        note=call.note,
        linked=call.linked,
    )


def _incident(r: IncidentRecord) -> Incident:
    return Incident(
        incident_id=r.incident_id,
        county=r.county,
        status=r.status,
        location=Location.model_validate(r.location),
        symptoms=sorted(Symptom(s) for s in (r.symptoms or ())),
        created_at=r.created_at,
        source=r.source,
        calls=int(r.calls),
        workflow=r.workflow,
    )


def _call(r: CallRecord) -> Call:
    return Call(
        call_id=r.call_id,
        incident_id=r.incident_id,
        channel=r.channel,
        created_at=r.created_at,
        location=Location.model_validate(r.location),
        phone=r.phone,
        symptoms=sorted(Symptom(s) for s in (r.symptoms or ())),
        note=r.note,
        linked=bool(r.linked),
    )


class DynamoIncidentStore(IncidentStore):
    def __init__(self) -> None:
        s = get_settings()
        # One connection (one botocore client and its HTTP pool) for every transaction.
        self.connection = Connection(region=s.region, host=s.aws_endpoint_url)

    def _transaction(self) -> TransactWrite:
        return TransactWrite(connection=self.connection)

    def open_incidents(self, county: str, since: datetime) -> list[Incident]:
        index = bound(IncidentRecord).by_open_county
        return [_incident(r) for r in index.query(county, IncidentRecord.created_at >= since)]

    def create(
        self,
        incident: Incident,
        call: Call,
        claims: list[str],
        until: datetime,
        *,
        passable: Mapping[str, str] | None = None,
        force: bool = False,
    ) -> None:
        own, *around = claims
        passable = passable or {}
        record = bound(CallLockRecord)(
            own, incident_id=incident.incident_id, until=int(until.timestamp()), expires=until + timedelta(hours=1)
        )

        def free(claim: str) -> Any:
            # Nobody holds it, its lease ran out (DynamoDB's TTL deletes it later), or its holder is known
            # to be another emergency.
            cond = CallLockRecord.lock.does_not_exist() | (CallLockRecord.until < int(incident.created_at.timestamp()))
            return cond | (CallLockRecord.incident_id == passable[claim]) if claim in passable else cond

        try:
            with self._transaction() as tx:
                tx.save(_incident_record(incident), condition=IncidentRecord.incident_id.does_not_exist())
                tx.save(_call_record(call), condition=CallRecord.call_id.does_not_exist())
                tx.save(record, condition=None if force else free(own))
                for claim in [] if force else around:
                    tx.condition_check(bound(CallLockRecord), claim, condition=free(claim))
        except TransactWriteError as exc:
            # PynamoDB sends the condition checks first, then the puts: incident, call, own claim.
            codes = [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]
            names = [*([] if force else around), "incident", "call", own]
            failed = {n for n, c in zip(names, codes, strict=False) if c == "ConditionalCheckFailed"}
            if not failed & {"incident", "call"} and (failed or "TransactionConflict" in codes):
                raise LockHeld(self._holders(sorted(failed))) from exc
            raise

    def _holders(self, claims: list[str]) -> dict[str, str]:
        held: dict[str, str] = {}
        for claim in claims:
            try:
                held[claim] = bound(CallLockRecord).get(claim, consistent_read=True).incident_id
            except CallLockRecord.DoesNotExist:
                continue  # released meanwhile: a retry finds it free
        return held

    def link(self, incident: Incident, call: Call, now: datetime) -> None:
        record = bound(IncidentRecord)(incident.incident_id)
        actions: list[Any] = [IncidentRecord.calls.add(1), IncidentRecord.updated_at.set(now)]
        if call.symptoms:
            # A later caller may know more ("not breathing"): triage reads the union.
            actions.append(IncidentRecord.symptoms.add({s.value for s in call.symptoms}))
        try:
            with self._transaction() as tx:
                tx.update(record, actions=actions, condition=IncidentRecord.open_county.exists())
                tx.save(_call_record(call), condition=CallRecord.call_id.does_not_exist())
        except TransactWriteError as exc:
            reasons = [r.code for r in (exc.cancellation_reasons or []) if r is not None]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise IncidentClosed(incident.incident_id) from exc
            raise

    def get(self, incident_id: str) -> Incident | None:
        try:
            return _incident(bound(IncidentRecord).get(incident_id))
        except IncidentRecord.DoesNotExist:
            return None

    def calls_of(self, incident_id: str) -> list[Call]:
        return [_call(r) for r in bound(CallRecord).by_incident.query(incident_id)]

    def get_call(self, call_id: str) -> Call | None:
        try:
            return _call(bound(CallRecord).get(call_id))
        except CallRecord.DoesNotExist:
            return None

    def mark_started(self, incident_id: str, execution: str) -> None:
        bound(IncidentRecord)(incident_id).update(
            actions=[
                IncidentRecord.workflow.set("started"),
                IncidentRecord.execution.set(execution),
                IncidentRecord.unstarted.remove(),
            ],
            condition=IncidentRecord.incident_id.exists(),
        )

    def flag_needs_dispatcher(self, incident_id: str, reason: str) -> None:
        bound(IncidentRecord)(incident_id).update(
            actions=[
                IncidentRecord.workflow.set("needs_dispatcher"),
                IncidentRecord.attention.set(reason[:100]),
                IncidentRecord.unstarted.remove(),
            ],
            condition=IncidentRecord.incident_id.exists(),
        )

    def unstarted(self, before: datetime, limit: int) -> list[Incident]:
        keys = bound(IncidentRecord).by_unstarted.query("1", IncidentRecord.created_at < before, limit=limit)
        found = [self.get(k.incident_id) for k in keys]
        return [i for i in found if i is not None]
