"""The `unit_times` table: NEMSIS eTimes nodes, one item per node per unit per incident.

Hash `incident_id`, range `"{node}#{unit_id}"`: one Query returns every node of an
incident, already in the order they happen (eTimes codes sort chronologically; a cancellation,
.14, shares its instant with the return to service, .13), and
a second unit on the same incident keeps its own nodes. Nodes are written in the
same transaction as the unit's status, so the record and the status never disagree.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.tables import register


@register
class UnitTimeRecord(Model):
    class Meta:
        table_name = "unit_times"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    node_unit = UnicodeAttribute(range_key=True)
    unit_id = UnicodeAttribute()
    node = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    recorded_at = UTCDateTimeAttribute()
    by = UnicodeAttribute()
    # A crew's confirmation or correction of a recorded time (an automatic arrival, say).
    confirmed_by = UnicodeAttribute(null=True)
    corrected_from = UTCDateTimeAttribute(null=True)


def node_key(node: str, unit_id: str) -> str:
    return f"{node}#{unit_id}"
