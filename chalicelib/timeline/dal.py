"""Tables of the timeline: wristbands, the hospital's time nodes, and one KPI summary per incident.

- `wristbands`: hash `band_id`; the band's incident (one band, one patient).
- `hospital_times`: hash `incident_id`, range `node`; the first scan of a node is its time (a repeated
  scan changes nothing), with the station and the scanning device.
- `response_nodes`: hash `incident_id`, range `node`; time nodes of the response around the ambulance
  (telephone CPR `cpr.*`, volunteers `volunteer.<id>.*`), first write wins (`nodes.record_node`).
- `incident_kpis`: hash `incident_id`; GSI `by-county` (`county` / `call_at`): the KPI query reads one
  county's incidents in a time range with one Query, and never the raw nodes.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.tables import register


@register
class WristbandRecord(Model):
    class Meta:
        table_name = "wristbands"
        billing_mode = "PAY_PER_REQUEST"

    band_id = UnicodeAttribute(hash_key=True)
    incident_id = UnicodeAttribute()
    unit_id = UnicodeAttribute(null=True)
    bound_by = UnicodeAttribute()
    bound_at = UTCDateTimeAttribute()


@register
class HospitalTimeRecord(Model):
    class Meta:
        table_name = "hospital_times"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    node = UnicodeAttribute(range_key=True)
    at = UTCDateTimeAttribute()
    band_id = UnicodeAttribute()
    hospital_id = UnicodeAttribute(null=True)
    station = UnicodeAttribute(null=True)  # the scanner's place, e.g. "CT room 2"
    scanned_by = UnicodeAttribute()
    recorded_at = UTCDateTimeAttribute()


@register
class ResponseNodeRecord(Model):
    class Meta:
        table_name = "response_nodes"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    node = UnicodeAttribute(range_key=True)  # "<namespace>.<event>" or "<namespace>.<id>.<event>"
    at = UTCDateTimeAttribute()
    by = UnicodeAttribute()  # a staff subject, "call:<id>" or "volunteer:<id>": never a name or phone
    detail = UnicodeAttribute(null=True)  # short and free of health or personal data
    recorded_at = UTCDateTimeAttribute()


class KpisByCounty(GlobalSecondaryIndex["IncidentKpiRecord"]):
    class Meta:
        index_name = "by-county"
        projection = AllProjection()

    county = UnicodeAttribute(hash_key=True)
    call_at = UTCDateTimeAttribute(range_key=True)


@register
class IncidentKpiRecord(Model):
    class Meta:
        table_name = "incident_kpis"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    county = UnicodeAttribute()
    call_at = UTCDateTimeAttribute()
    pathway = UnicodeAttribute(null=True)
    level = NumberAttribute(null=True)
    intervals = JSONAttribute(default=dict)  # {interval id: seconds}
    met = JSONAttribute(default=dict)  # {interval id: true/false} for judged ones
    consultations = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute()
    by_county = KpisByCounty()
