"""The `access_grants` table: time-boxed access to an incident's health data.

Hash `incident_id`, range `grantee#basis` (stored under the key name `grantee`): a grantee (a
subject, or a scope such as `hospital:H01`) holds one item per reason, so a reason that ends removes
its own item only. The access check reads an incident's grants with one Query, only when the
standing rule has refused. The TTL removes a grant a day after it expires; until then the check
ignores it by its time.
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
    # The key's name is kept, so the table is unchanged; items written before bases existed hold the grantee alone.
    grant_key = UnicodeAttribute(range_key=True, attr_name="grantee")
    holder = UnicodeAttribute(null=True)
    basis = UnicodeAttribute(null=True)
    kind = UnicodeAttribute()
    reason = UnicodeAttribute()
    granted_by = UnicodeAttribute()
    granted_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    remove_at = TTLAttribute()
