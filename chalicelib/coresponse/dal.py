"""The `responder_positions` table: each co-responder's latest fix per incident.

Hash `incident_id`, range `responder_id` (the token's subject): the dispatcher's list is one Query,
and closing the incident deletes its rows. The TTL removes a row an hour after its latest fix, so
nothing outlives the incident for long even when the delete on close did not run.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.tables import register


@register
class ResponderPositionRecord(Model):
    class Meta:
        table_name = "responder_positions"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    responder_id = UnicodeAttribute(range_key=True)
    agency = UnicodeAttribute()
    callsign = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    accuracy_m = NumberAttribute(null=True)
    heading = NumberAttribute(null=True)
    speed = NumberAttribute(null=True)
    at = UTCDateTimeAttribute()
    received_at = UTCDateTimeAttribute()
    started_at = UTCDateTimeAttribute()
    remove_at = TTLAttribute()
