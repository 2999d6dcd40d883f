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

from chalicelib.core.tables import register


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
