"""The `bookings` table: one item per offer of a patient to a hospital.

Hash `booking_id`. GSI `by-hospital` (`hospital_id`, `created_at`): a hospital's inbound board.
GSI `by-incident` (`incident_id`, `created_at`): an incident's offers, to move on to the next option
and never offer the same hospital twice. Writes are conditional on the status read, so an accept
racing a decline or the timeout has one winner.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.tables import register


class ByHospitalIndex(GlobalSecondaryIndex["BookingRecord"]):
    class Meta:
        index_name = "by-hospital"
        projection = AllProjection()

    hospital_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ByIncidentIndex(GlobalSecondaryIndex["BookingRecord"]):
    class Meta:
        index_name = "by-incident"
        projection = AllProjection()

    incident_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


@register
class BookingRecord(Model):
    class Meta:
        table_name = "bookings"
        billing_mode = "PAY_PER_REQUEST"

    booking_id = UnicodeAttribute(hash_key=True)
    incident_id = UnicodeAttribute()
    hospital_id = UnicodeAttribute()
    county = UnicodeAttribute()
    unit_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    kind = UnicodeAttribute(default="admission")  # admission (from the ambulance) or referral (hospital to hospital)
    referred_by = UnicodeAttribute(null=True)  # referral: the hospital that refers
    direction = UnicodeAttribute(null=True)  # referral: up (to more capable care) or down
    referral_reason = UnicodeAttribute(null=True)
    rank = NumberAttribute(null=True)  # the option's rank when offered (None: chosen by hand)
    qualified = UnicodeAttribute(default="yes")  # "no" when a person chose an unqualified hospital
    level = NumberAttribute(null=True)
    pathway = UnicodeAttribute(null=True)
    needs = JSONAttribute(default=list)  # required capabilities
    eta_s = NumberAttribute(null=True)  # travel time when offered
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    answer_by = UTCDateTimeAttribute()
    answered_at = UTCDateTimeAttribute(null=True)
    answered_by = UnicodeAttribute(null=True)
    decline_reason = UnicodeAttribute(null=True)
    decline_note = UnicodeAttribute(null=True)
    orders = JSONAttribute(default=list)  # [{"order_id", "code", "status", "his_id"}]
    teams = JSONAttribute(default=list)  # green-channel teams called on acceptance
    registration_no = UnicodeAttribute(null=True)
    payment_status = UnicodeAttribute(null=True)  # pending, paid, waived (registration fee)
    his_status = UnicodeAttribute(null=True)  # ok, failed, not_connected
    his_error = UnicodeAttribute(null=True)
    closed_at = UTCDateTimeAttribute(null=True)
    cancel_reason = UnicodeAttribute(null=True)  # "superseded: ..." when something else ended it
    by_hospital = ByHospitalIndex()
    by_incident = ByIncidentIndex()
