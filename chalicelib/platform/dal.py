"""Platform tables: component heartbeats, the audit log and the idempotency store."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.tables import bound, register
from chalicelib.platform.models import AuditEvent, Heartbeat
from chalicelib.platform.ports import PlatformStore


@register
class HeartbeatRecord(Model):
    """Last heartbeat per component (stepfunctions, mqtt ...); one item each."""

    class Meta:
        table_name = "heartbeats"
        billing_mode = "PAY_PER_REQUEST"

    component = UnicodeAttribute(hash_key=True)
    ok = BooleanAttribute()
    at = UTCDateTimeAttribute()
    source = UnicodeAttribute()
    detail = UnicodeAttribute(null=True)


class ActorIndex(GlobalSecondaryIndex["AuditRecord"]):
    """Everything one person did, newest last: `who read what`."""

    class Meta:
        index_name = "by-actor"
        projection = AllProjection()

    actor = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)


@register
class AuditRecord(Model):
    """Append-only audit trail; the subject is the incident (or resource) concerned."""

    class Meta:
        table_name = "audit"
        billing_mode = "PAY_PER_REQUEST"

    subject = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)  # ISO time + random suffix: sorts by time
    actor = UnicodeAttribute()
    role = UnicodeAttribute()
    action = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    basis = UnicodeAttribute(null=True)
    at = UTCDateTimeAttribute()
    by_actor = ActorIndex()


@register
class IdempotencyRecord(Model):
    """Powertools idempotency persistence layer (its default attribute names)."""

    class Meta:
        table_name = "idempotency"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute()
    status = UnicodeAttribute(null=True)
    data = UnicodeAttribute(null=True)
    in_progress_expiration = NumberAttribute(null=True)
    validation = UnicodeAttribute(null=True)


class DynamoPlatformStore(PlatformStore):
    def put_heartbeat(self, beat: Heartbeat) -> None:
        bound(HeartbeatRecord)(**beat.model_dump()).save()

    def heartbeats(self) -> dict[str, Heartbeat]:
        # A handful of components: a scan of this tiny table is the access pattern.
        rows = bound(HeartbeatRecord).scan()
        return {
            r.component: Heartbeat(component=r.component, ok=r.ok, at=r.at, source=r.source, detail=r.detail)
            for r in rows
        }

    def append_audit(self, event: AuditEvent) -> None:
        record = bound(AuditRecord)(**event.model_dump())
        # Append-only: an existing event id is never overwritten.
        record.save(condition=AuditRecord.event_id.does_not_exist())

    def audit_for(self, subject: str, limit: int) -> list[AuditEvent]:
        rows = bound(AuditRecord).query(subject, scan_index_forward=False, limit=limit)
        return [AuditEvent.model_validate(r.attribute_values) for r in rows]
