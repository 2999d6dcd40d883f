"""Incidents and calls in DynamoDB (PynamoDB), behind the IncidentStore port."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.core.tables import register


class OpenByCountyIndex(GlobalSecondaryIndex["IncidentRecord"]):
    """Sparse: `open_county` is set only while open. Serves duplicate detection and the board."""

    class Meta:
        index_name = "open-by-county"
        projection = AllProjection()

    open_county = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class WaitingIndex(GlobalSecondaryIndex["IncidentRecord"]):
    """Sparse: `wait_pool` (a county code, or "city" once escalated) is set only while the
    incident waits for a free unit. A unit coming free reads the oldest few of its pools."""

    class Meta:
        index_name = "waiting"
        projection = AllProjection()

    wait_pool = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class UnstartedIndex(GlobalSecondaryIndex["IncidentRecord"]):
    """Sparse: `unstarted` is set until the workflow registers. Serves the reconciler."""

    class Meta:
        index_name = "unstarted"
        projection = KeysOnlyProjection()

    unstarted = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


@register
class IncidentRecord(Model):
    class Meta:
        table_name = "incidents"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    county = UnicodeAttribute()
    status = UnicodeAttribute()
    location = JSONAttribute()
    symptoms = UnicodeSetAttribute(null=True)
    source = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    calls = NumberAttribute(default=1)
    workflow = UnicodeAttribute(default="pending")
    execution = UnicodeAttribute(null=True)
    attention = UnicodeAttribute(null=True)  # why the workflow handed the incident to a human
    open_county = UnicodeAttribute(null=True)
    unstarted = UnicodeAttribute(null=True)
    # Dispatch: what the incident needs, where it waits, which unit it got and why.
    needs = UnicodeAttribute(default="ALS")  # a unit type; triage refines it
    dispatch_level = UnicodeAttribute(null=True)  # "county", then "city" after escalation
    waiting_since = UTCDateTimeAttribute(null=True)
    wait_pool = UnicodeAttribute(null=True)
    wait_token = UnicodeAttribute(null=True)  # the workflow's task token while it waits
    recommendations = JSONAttribute(null=True)  # the top 5 of the latest search, with reasons
    recommended_at = UTCDateTimeAttribute(null=True)
    search_note = UnicodeAttribute(null=True)  # e.g. "ETA from the model: routing timed out"
    unit_id = UnicodeAttribute(null=True)
    assigned_at = UTCDateTimeAttribute(null=True)
    assigned_by = UnicodeAttribute(null=True)  # "auto", or the dispatcher's subject
    notified_at = UTCDateTimeAttribute(null=True)  # the crew's dispatch message went out
    destination_id = UnicodeAttribute(null=True)  # the receiving hospital, once the unit transports
    triage_level = NumberAttribute(null=True)  # the latest assessment's level (1 dying ... 4 non-urgent)
    pathway = UnicodeAttribute(null=True)  # the latest assessment's pathway (chest_pain, stroke, ...)
    required_capabilities = UnicodeSetAttribute(null=True)  # what the pathway needs of a hospital
    patient_key = UnicodeAttribute(null=True)  # the health archive person the crew identified
    # The workflow's parked task tokens, one per milestone it waits for (chalicelib/workflow/service.py).
    token_on_scene = UnicodeAttribute(null=True)
    token_assessed = UnicodeAttribute(null=True)
    token_accepted = UnicodeAttribute(null=True)
    token_at_hospital = UnicodeAttribute(null=True)
    token_handed_over = UnicodeAttribute(null=True)
    closed_at = UTCDateTimeAttribute(null=True)
    closed_reason = UnicodeAttribute(null=True)
    by_open_county = OpenByCountyIndex()
    by_waiting = WaitingIndex()
    by_unstarted = UnstartedIndex()


class ByIncidentIndex(GlobalSecondaryIndex["CallRecord"]):
    class Meta:
        index_name = "by-incident"
        projection = AllProjection()

    incident_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


@register
class CallRecord(Model):
    """Every call is kept, including duplicates linked to an open incident."""

    class Meta:
        table_name = "calls"
        billing_mode = "PAY_PER_REQUEST"

    call_id = UnicodeAttribute(hash_key=True)
    incident_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    location = JSONAttribute()
    phone = UnicodeAttribute(null=True)  # personal data: encrypted at rest, masked everywhere else
    symptoms = UnicodeSetAttribute(null=True)
    note = UnicodeAttribute(null=True)
    linked = BooleanAttribute(default=False)
    by_incident = ByIncidentIndex()


@register
class CallLockRecord(Model):
    """Door (or spot) lock written with each new incident: simultaneous calls from one place
    cannot both open incidents, whatever the index lag. Expires with the dedupe window."""

    class Meta:
        table_name = "call_locks"
        billing_mode = "PAY_PER_REQUEST"

    lock = UnicodeAttribute(hash_key=True)
    incident_id = UnicodeAttribute()
    until = NumberAttribute()  # epoch seconds: compared in the write condition
    expires = TTLAttribute()  # DynamoDB deletes stale locks on its own
