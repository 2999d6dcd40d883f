"""The `access_grants` table: time-boxed access to an incident's health data.

Hash `incident_id`, range `grantee` (a subject, or a scope such as `hospital:H01`): the access
check reads an incident's grants with one Query, only when the standing rule has refused. The
TTL removes a grant a day after it expires; until then the check ignores it by its time.
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.tables import register


@register
class AccessGrantRecord(Model):
    class Meta:
        table_name = "access_grants"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    grantee = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    reason = UnicodeAttribute()
    granted_by = UnicodeAttribute()
    granted_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    remove_at = TTLAttribute()
