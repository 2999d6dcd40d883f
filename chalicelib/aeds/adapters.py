"""The PynamoDB AED store."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.aeds.dal import AedCellIndex, AedKeeperRecord, AedRecord
from chalicelib.aeds.entities import Aed, AedVerification
from chalicelib.aeds.ports import AedStore
from chalicelib.core.geo import cells
from chalicelib.core.tables import bound


def aed_record(aed: Aed) -> AedRecord:
    coarse, fine = cells(aed.lat, aed.lon)
    return AedRecord(**aed.model_dump(mode="json"), cell_coarse=coarse, cell_fine=fine)


def to_aed(record: AedRecord) -> Aed:
    return Aed.model_validate({k: v for k, v in record.attribute_values.items() if k in Aed.model_fields})


class DynamoAedStore(AedStore):
    def in_range(self, coarse: str, lo: str, hi: str) -> list[Aed]:
        return [to_aed(r) for r in bound(AedRecord).by_cell.query(coarse, AedCellIndex.cell_fine.between(lo, hi))]

    def get(self, aed_id: str) -> Aed | None:
        try:
            return to_aed(bound(AedRecord).get(aed_id))
        except DoesNotExist:
            return None

    def add(self, aed: Aed) -> None:
        record = aed_record(aed)
        bound(AedRecord)(**record.attribute_values).save(condition=AedRecord.aed_id.does_not_exist())

    def set_verification(self, aed_id: str, outcome: AedVerification) -> Aed | None:
        try:
            record = bound(AedRecord).get(aed_id)
        except DoesNotExist:
            return None
        record.update(actions=[AedRecord.verification.set(outcome.value)])
        return to_aed(record)

    def keepers(self, aed_id: str) -> list[str]:
        return [k.volunteer_id for k in bound(AedKeeperRecord).query(aed_id)]

    def add_keeper(self, aed_id: str, volunteer_id: str, at: datetime, by: str) -> None:
        bound(AedKeeperRecord)(aed_id, volunteer_id, subscribed_at=at, subscribed_by=by).save()

    def remove_keeper(self, aed_id: str, volunteer_id: str) -> None:
        bound(AedKeeperRecord)(aed_id, volunteer_id).delete()
