"""The revocation table of the QR domain."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.tables import register


@register
class RevocationRecord(Model):
    """One item per revoked address or key; small enough for verifiers to scan whole."""

    class Meta:
        table_name = "qr_revocations"
        billing_mode = "PAY_PER_REQUEST"

    subject = UnicodeAttribute(hash_key=True)  # "address#<code>" or "key#<kid>"
    revoked_at = NumberAttribute()
    reason = UnicodeAttribute()
    actor = UnicodeAttribute()
