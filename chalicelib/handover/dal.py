"""The `handovers` table: the FHIR R4 handover Bundle of an incident's patient, one per booking.

Hash `incident_id`, range `booking_id`. The bundle is kept as JSON (tens of kilobytes at most: the
readings are capped) for the receiving hospital to fetch again, and expires with the vitals.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.tables import register


@register
class HandoverRecord(Model):
    class Meta:
        table_name = "handovers"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    booking_id = UnicodeAttribute(range_key=True)
    hospital_id = UnicodeAttribute()
    unit_id = UnicodeAttribute(null=True)
    handed_over_at = UTCDateTimeAttribute()
    handed_over_by = UnicodeAttribute()
    bundle = JSONAttribute()
    his_status = UnicodeAttribute(null=True)  # ok, failed, not_connected
    expires_at = TTLAttribute()
