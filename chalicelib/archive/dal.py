"""The `health_records` table: one item per person, and one alias item per phone lookup key.

Hash `person_key` only, no GSI. A person item is keyed by the ID number's keyed hash (`id#...`), or,
for a record without one, by `person#` + the phone hash. An alias item is keyed by the phone hash
(`ph#...`) and lists the person keys that share it: relatives sharing a phone, family name and birth
date (twins) make it ambiguous rather than a wrong match. Neither the raw ID or phone number nor the
bundle is stored.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.tables import register


@register
class HealthRecord(Model):
    class Meta:
        table_name = "health_records"
        billing_mode = "PAY_PER_REQUEST"

    person_key = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # "person" or "alias"
    persons = UnicodeSetAttribute(null=True)  # alias: the person keys with this phone key
    phone_key = UnicodeAttribute(null=True)  # person: its alias, to drop it when the phone changes
    summary = JSONAttribute(null=True)  # person: HealthSummary
    imported_at = UTCDateTimeAttribute(null=True)
    imported_by = UnicodeAttribute(null=True)
