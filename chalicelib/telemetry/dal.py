"""The `vitals` table: monitor readings per incident, kept for `vitals_ttl_days`.

Hash `subject` (the incident id, or `unit#<id>` for readings taken with no incident), range
`"{ts}#{unit_id}#{seq}"`: one Query returns an incident's readings in time order, two units on
one incident keep their own, and a redelivered message overwrites itself. The item with range
`LATEST` keeps the newest reading's time and the highest NEWS2 alerted on, so a deterioration
is told once, when it happens.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import JSONAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.tables import register

LATEST = "~latest"  # sorts after every ISO timestamp


@register
class VitalsRecord(Model):
    class Meta:
        table_name = "vitals"
        billing_mode = "PAY_PER_REQUEST"

    subject = UnicodeAttribute(hash_key=True)
    reading = UnicodeAttribute(range_key=True)
    unit_id = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    values = JSONAttribute()  # hr, sbp, ... as the monitor sent them (absent: not measured)
    news2 = NumberAttribute()
    news2_risk = UnicodeAttribute()
    news2_detail = JSONAttribute(null=True)  # per-parameter scores and what is missing
    expires_at = TTLAttribute()


def reading_time(ts: datetime) -> str:
    """In UTC: devices may send any offset, and keys must sort by the instant."""
    return ts.astimezone(UTC).isoformat(timespec="microseconds")


def reading_key(ts: datetime, unit_id: str, seq: int) -> str:
    return f"{reading_time(ts)}#{unit_id}#{seq:010d}"
