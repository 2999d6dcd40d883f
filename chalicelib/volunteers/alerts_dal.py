"""Tables of the cardiac-arrest alerts.

- `volunteer_rounds`: hash `incident_id`; one per arrest: what volunteers may be told (the place, the
  nature, the AED nearby), the radius and place kind the alerts used, the dispatcher's unsafe-scene flag.
  Alerts are built from it, never from the incident: a volunteer's view cannot leak what it holds.
- `volunteer_alerts`: hash `incident_id`, range `volunteer_id` (one alert per volunteer per arrest);
  GSI `by-volunteer` (`volunteer_id` / `offered_at`) for the volunteer's own list.
- `aed_keepers`: hash `aed_id`, range `volunteer_id`: the AED owner's people who subscribed to its alerts.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.tables import register


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
