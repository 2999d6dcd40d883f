"""Hospital table: seventeen items, read by id, by coarse cell, or all at once and cached."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.geo import cells
from chalicelib.core.tables import register
from chalicelib.hospitals.models import Hospital


class HospitalCellIndex(GlobalSecondaryIndex["HospitalRecord"]):
    class Meta:
        index_name = "by-cell"
        projection = AllProjection()

    cell_coarse = UnicodeAttribute(hash_key=True)
    cell_fine = UnicodeAttribute(range_key=True)


@register
class HospitalRecord(Model):
    class Meta:
        table_name = "hospitals"
        billing_mode = "PAY_PER_REQUEST"

    hospital_id = UnicodeAttribute(hash_key=True)
    name_zh = UnicodeAttribute()
    name_en = UnicodeAttribute()
    grade = UnicodeAttribute()
    county = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    cell_coarse = UnicodeAttribute()
    cell_fine = UnicodeAttribute()
    # A string set: DynamoDB cannot store an empty set, so "no capability" reads back as empty.
    capabilities = UnicodeSetAttribute(default=set)
    by_cell = HospitalCellIndex()


def hospital_record(hospital: Hospital) -> HospitalRecord:
    coarse, fine = cells(hospital.lat, hospital.lon)
    data = hospital.model_dump(mode="json", exclude={"capabilities"})
    return HospitalRecord(
        **data,
        capabilities={c.value for c in hospital.capabilities},
        cell_coarse=coarse,
        cell_fine=fine,
    )


def to_hospital(record: HospitalRecord) -> Hospital:
    values = dict(record.attribute_values)
    values["capabilities"] = frozenset(values.get("capabilities") or ())
    return Hospital.model_validate(values)
