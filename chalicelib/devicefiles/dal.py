"""The `device_files` table: one item per announced file, keyed by its incident.

Hash `incident_id`, range `file_id`: listing an incident's files is one Query. Items expire
(TTL) with the S3 lifecycle of their objects, so no record outlives its bytes for long.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.tables import register


@register
class DeviceFileRecord(Model):
    class Meta:
        table_name = "device_files"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    file_id = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = NumberAttribute()
    unit_id = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    requested_at = UTCDateTimeAttribute()
    captured_at = UTCDateTimeAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    checked_at = UTCDateTimeAttribute(null=True)
    expires = TTLAttribute()
