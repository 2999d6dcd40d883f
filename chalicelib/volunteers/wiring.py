"""The volunteers' stores, built on first use."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.volunteers.ports import AlertStore, VolunteerStore


@provider
def get_volunteers() -> VolunteerStore:
    from chalicelib.volunteers.adapters import DynamoVolunteerStore

    return DynamoVolunteerStore()


@provider
def get_alerts() -> AlertStore:
    from chalicelib.volunteers.adapters import DynamoAlertStore

    return DynamoAlertStore()
