"""The volunteers' tables.

- `volunteers`: hash `volunteer_id`; the sparse GSI `on-duty-by-cell` (coarse cell / fine cell) for who is
  on duty near a cardiac arrest.
- `volunteer_rounds`: hash `incident_id`; one per arrest: what volunteers may be told (the place, the
  nature, the AED nearby), the radius and place kind the alerts used, the dispatcher's unsafe-scene flag.
  Alerts are built from it, never from the incident: a volunteer's view cannot leak what it holds.
- `volunteer_alerts`: hash `incident_id`, range `volunteer_id` (one alert per volunteer per arrest);
  GSI `by-volunteer` (`volunteer_id` / `offered_at`) for the volunteer's own list.

Invariant: `duty_cell` holds a volunteer's coarse cell while, and only while, they
are on duty with a reported position, so the `on-duty-by-cell` index is sparse. The index leaves out name
and phone: an alert fan-out reads who is near without touching personal data.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.core.geo import cells
from chalicelib.core.tables import register
from chalicelib.volunteers.entities import Volunteer


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


@register
class RoundRecord(Model):
    class Meta:
        table_name = "volunteer_rounds"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    county = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    address = UnicodeAttribute(null=True)  # shown to a volunteer once they accept
    place = UnicodeAttribute()  # PlaceKind
    radius_m = NumberAttribute()
    started_at = UTCDateTimeAttribute()
    aed = JSONAttribute(null=True)  # the usable AED nearest the patient within 200 m, if any
    generation = NumberAttribute(default=0)  # the alerting execution that owns the round (ADR 0009)
    unsafe = BooleanAttribute(default=False)
    unsafe_note = UnicodeAttribute(null=True)
    ended_at = UTCDateTimeAttribute(null=True)
    ended_reason = UnicodeAttribute(null=True)


class AlertsByVolunteer(GlobalSecondaryIndex["AlertRecord"]):
    class Meta:
        index_name = "by-volunteer"
        projection = AllProjection()

    volunteer_id = UnicodeAttribute(hash_key=True)
    offered_at = UTCDateTimeAttribute(range_key=True)


@register
class AlertRecord(Model):
    class Meta:
        table_name = "volunteer_alerts"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    volunteer_id = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute()  # AlertStatus
    kind = UnicodeAttribute(default="responder")  # AlertKind: a nearby volunteer, or the AED's keeper
    rank = NumberAttribute()  # 1 = nearest when alerted (0: the AED's keeper)
    distance_m = NumberAttribute()
    offered_at = UTCDateTimeAttribute()
    answer_by = UTCDateTimeAttribute()
    answered_at = UTCDateTimeAttribute(null=True)
    bring_aed = BooleanAttribute(default=False)
    reason = UnicodeAttribute(null=True)  # why it was cancelled
    # Time nodes (ResponderNode), one attribute each so the first report stands (if_not_exists).
    en_route_at = UTCDateTimeAttribute(null=True)
    aed_fetched_at = UTCDateTimeAttribute(null=True)
    on_scene_at = UTCDateTimeAttribute(null=True)
    cpr_started_at = UTCDateTimeAttribute(null=True)
    aed_attached_at = UTCDateTimeAttribute(null=True)
    handed_to_crew_at = UTCDateTimeAttribute(null=True)
    by_volunteer = AlertsByVolunteer()


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
