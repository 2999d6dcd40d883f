"""The PynamoDB RevocationStore (imported on first use, not at cold start)."""

from __future__ import annotations

from chalicelib.core.tables import bound
from chalicelib.qr.dal import RevocationRecord
from chalicelib.qr.ports import RevocationStore
from chalicelib.qr.schemas import Revocation


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
