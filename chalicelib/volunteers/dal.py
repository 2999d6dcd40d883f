"""Volunteer and AED tables, both searched by coarse H3 cell around a cardiac arrest.

Invariant: `duty_cell` holds a volunteer's coarse cell while, and only while, they
are on duty with a reported position, so the `on-duty-by-cell` index is sparse. The index leaves out name
and phone: an alert fan-out reads who is near without touching personal data.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.core.geo import cells
from chalicelib.core.tables import register
from chalicelib.volunteers.models import Aed, Volunteer


class OnDutyByCellIndex(GlobalSecondaryIndex["VolunteerRecord"]):
    class Meta:
        index_name = "on-duty-by-cell"
        projection = IncludeProjection(
            ["tier", "cert_expiry", "lat", "lon", "located_at", "engaged_incident", "engaged_at"]
        )

    duty_cell = UnicodeAttribute(hash_key=True)
    cell_fine = UnicodeAttribute(range_key=True)


@register
class VolunteerRecord(Model):
    class Meta:
        table_name = "volunteers"
        billing_mode = "PAY_PER_REQUEST"

    volunteer_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()  # PII
    phone = UnicodeAttribute()  # PII: read by id only, when the volunteer accepted an alert
    tier = UnicodeAttribute()
    cert_no = UnicodeAttribute()
    cert_expiry = UnicodeAttribute()  # ISO date: sorts and compares as text
    on_duty = BooleanAttribute()
    county = UnicodeAttribute()
    lat = NumberAttribute(null=True)
    lon = NumberAttribute(null=True)
    located_at = UTCDateTimeAttribute(null=True)
    cell_coarse = UnicodeAttribute(null=True)
    cell_fine = UnicodeAttribute(null=True)
    duty_cell = UnicodeAttribute(null=True)
    engaged_incident = UnicodeAttribute(null=True)  # the arrest they accepted and have not finished
    engaged_at = UTCDateTimeAttribute(null=True)
    on_duty_by_cell = OnDutyByCellIndex()


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


def duty_actions(on_duty: bool, lat: float | None, lon: float | None, at: datetime) -> list[Action]:
    """Going on duty or moving (with a position), or going off duty (the position is dropped), keeping
    the sparse index right: only an on-duty volunteer with a position is in it."""
    if not on_duty or lat is None or lon is None:
        return [
            VolunteerRecord.on_duty.set(on_duty),
            *(a.remove() for a in (VolunteerRecord.lat, VolunteerRecord.lon, VolunteerRecord.located_at)),
            *(a.remove() for a in (VolunteerRecord.cell_coarse, VolunteerRecord.cell_fine, VolunteerRecord.duty_cell)),
        ]
    coarse, fine = cells(lat, lon)
    return [
        VolunteerRecord.on_duty.set(True),
        VolunteerRecord.lat.set(lat),
        VolunteerRecord.lon.set(lon),
        VolunteerRecord.located_at.set(at),
        VolunteerRecord.cell_coarse.set(coarse),
        VolunteerRecord.cell_fine.set(fine),
        VolunteerRecord.duty_cell.set(coarse),
    ]


def volunteer_record(volunteer: Volunteer) -> VolunteerRecord:
    coarse = fine = None
    if volunteer.on_duty and volunteer.lat is not None and volunteer.lon is not None:
        coarse, fine = cells(volunteer.lat, volunteer.lon)
    data = volunteer.model_dump(mode="json", exclude={"name", "phone", "located_at"})
    return VolunteerRecord(
        **data,
        name=volunteer.name.get_secret_value(),
        phone=volunteer.phone.get_secret_value(),
        located_at=volunteer.located_at,
        cell_coarse=coarse,
        cell_fine=fine,
        duty_cell=coarse,
    )


def to_volunteer(record: VolunteerRecord) -> Volunteer:
    return Volunteer.model_validate(record.attribute_values)


def aed_record(aed: Aed) -> AedRecord:
    coarse, fine = cells(aed.lat, aed.lon)
    return AedRecord(**aed.model_dump(mode="json"), cell_coarse=coarse, cell_fine=fine)


def to_aed(record: AedRecord) -> Aed:
    return Aed.model_validate({k: v for k, v in record.attribute_values.items() if k in Aed.model_fields})
