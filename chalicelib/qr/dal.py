"""PynamoDB side of the QR domain: the revocation table and reads of the address table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.addresses.dal import AddressRecord, to_address
from chalicelib.addresses.models import Address
from chalicelib.core.tables import bound, register
from chalicelib.qr.models import Revocation
from chalicelib.qr.ports import AddressSelection, AddressSource, RevocationStore


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


class DynamoRevocationStore(RevocationStore):
    def put(self, revocation: Revocation) -> None:
        bound(RevocationRecord)(**revocation.model_dump()).save()

    def get(self, subject: str) -> Revocation | None:
        try:
            return _revocation(bound(RevocationRecord).get(subject))
        except RevocationRecord.DoesNotExist:
            return None

    def all(self) -> list[Revocation]:
        return [_revocation(r) for r in bound(RevocationRecord).scan()]


def _revocation(record: RevocationRecord) -> Revocation:
    return Revocation.model_validate({**record.attribute_values, "revoked_at": int(record.revoked_at)})


class DynamoAddressSource(AddressSource):
    def get(self, code: str) -> Address | None:
        try:
            return to_address(bound(AddressRecord).get(code))
        except AddressRecord.DoesNotExist:
            return None

    def select(self, selection: AddressSelection) -> Iterator[Address]:
        # A filtered Scan reads the whole table: fine for an admin printing plates now and then,
        # and the by-county index cannot help because it does not project community or road.
        condition: Any = None
        for name in ("community", "road", "number", "building", "county"):
            value = getattr(selection, name)
            if value is not None:
                term = getattr(AddressRecord, name) == value
                condition = term if condition is None else condition & term
        if condition is None:
            raise ValueError("select a community or a building, not the whole registry")
        for record in bound(AddressRecord).scan(filter_condition=condition):
            yield to_address(record)
