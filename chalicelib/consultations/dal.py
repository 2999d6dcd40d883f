"""The `consultations` table: one item per session, its participants and outcome.

Hash `consultation_id`; GSI `by-incident` (`incident_id`, `requested_at`) lists an incident's sessions.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.tables import register


class ConsultationsByIncident(GlobalSecondaryIndex["ConsultationRecord"]):
    class Meta:
        index_name = "by-incident"
        projection = AllProjection()

    incident_id = UnicodeAttribute(hash_key=True)
    requested_at = UTCDateTimeAttribute(range_key=True)


@register
class ConsultationRecord(Model):
    class Meta:
        table_name = "consultations"
        billing_mode = "PAY_PER_REQUEST"

    consultation_id = UnicodeAttribute(hash_key=True)
    incident_id = UnicodeAttribute()
    hospital_id = UnicodeAttribute(null=True)  # whose experts are asked
    specialties = JSONAttribute()
    question = UnicodeAttribute(null=True)
    requested_by = UnicodeAttribute()
    requested_at = UTCDateTimeAttribute()
    status = UnicodeAttribute()  # open, closed
    room = JSONAttribute()  # {"provider", "room_id", "name"}
    participants = JSONAttribute(default=list)  # [{"subject", "role", "hospital_id", "joined_at", "left_at"}]
    outcome = UnicodeAttribute(null=True)
    closed_at = UTCDateTimeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)
    # What the consulted hospital's access rides on: the booking that has the patient (`booking:BK..`,
    # ending with it) or the consultation's own grant (`consultation:CS..`).
    access_basis = UnicodeAttribute(null=True)
    by_incident = ConsultationsByIncident()
