"""The AED registry's tables.

- `aeds`: hash `aed_id`; GSI `by-cell` (coarse cell / fine cell) for the AEDs around a point.
- `aed_keepers`: hash `aed_id`, range `volunteer_id`: the AED owner's people who subscribed to its alerts.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.tables import register


class AedCellIndex(GlobalSecondaryIndex["AedRecord"]):
    class Meta:
        index_name = "by-cell"
        projection = AllProjection()

    cell_coarse = UnicodeAttribute(hash_key=True)
    cell_fine = UnicodeAttribute(range_key=True)


@register
class AedRecord(Model):
    class Meta:
        table_name = "aeds"
        billing_mode = "PAY_PER_REQUEST"

    aed_id = UnicodeAttribute(hash_key=True)
    name_zh = UnicodeAttribute()
    name_en = UnicodeAttribute()
    county = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    cell_coarse = UnicodeAttribute()
    cell_fine = UnicodeAttribute()
    hours = UnicodeAttribute()
    status = UnicodeAttribute()
    indoor = UnicodeAttribute(null=True)
    owner = UnicodeAttribute(null=True)
    verification = UnicodeAttribute(default="verified")
    submitted_by = UnicodeAttribute(null=True)
    by_cell = AedCellIndex()


@register
class AedKeeperRecord(Model):
    """Who keeps an AED (its owner's staff, registered as volunteers) and is told when it is needed."""

    class Meta:
        table_name = "aed_keepers"
        billing_mode = "PAY_PER_REQUEST"

    aed_id = UnicodeAttribute(hash_key=True)
    volunteer_id = UnicodeAttribute(range_key=True)
    subscribed_at = UTCDateTimeAttribute()
    subscribed_by = UnicodeAttribute()
