"""The `assessments` table: every triage of an incident, newest last.

Hash `incident_id`, range `"{UTC time}#{id}"`: one Query returns an incident's history in order.
The input is kept with the result and the rules version, so a reviewer can see why a patient was
given a level even after the rules change.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.tables import register


@register
class AssessmentRecord(Model):
    class Meta:
        table_name = "assessments"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    assessment_key = UnicodeAttribute(range_key=True)
    assessment_id = UnicodeAttribute()
    assessed_at = UTCDateTimeAttribute()
    by = UnicodeAttribute()  # the principal's subject, or "telemetry" for a re-triage from the monitor
    role = UnicodeAttribute()
    level = NumberAttribute()
    pathway = UnicodeAttribute(null=True)
    source = JSONAttribute()  # the vitals and findings as assessed
    result = JSONAttribute()  # the triage result as returned
