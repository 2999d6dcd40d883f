"""Hospital table: the registry (read whole and cached per container, `registry.py`) and live capacity.

The `by-cell` index serves "hospitals near a point" lookups by coarse H3 cell.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.geo import cells
from chalicelib.core.tables import register
from chalicelib.hospitals.entities import Capacity, Hospital


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
    # Live capacity, written by the hospital (PUT /capacity) and never by the registry load.
    ed_beds = NumberAttribute(null=True)
    icu_beds = NumberAttribute(null=True)
    ct_available = BooleanAttribute(null=True)
    cath_lab = UnicodeAttribute(null=True)
    capacity_at = UTCDateTimeAttribute(null=True)
    capacity_by = UnicodeAttribute(null=True)
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


CAPACITY_FIELDS = ("ed_beds", "icu_beds", "ct_available", "cath_lab", "capacity_at", "capacity_by")


def to_hospital(record: HospitalRecord) -> Hospital:
    values = {k: v for k, v in record.attribute_values.items() if k in Hospital.model_fields}
    values["capabilities"] = frozenset(values.get("capabilities") or ())
    return Hospital.model_validate(values)


def to_capacity(record: HospitalRecord) -> Capacity | None:
    if record.capacity_at is None:
        return None
    return Capacity(
        ed_beds=int(record.ed_beds or 0), icu_beds=int(record.icu_beds or 0), ct_available=bool(record.ct_available),
        cath_lab=record.cath_lab, at=record.capacity_at, by=record.capacity_by or "?",
    )  # fmt: skip
