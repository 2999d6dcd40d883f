"""The bookings ports, built on first use (the composition root caches them)."""

from __future__ import annotations

from chalicelib.bookings.ports import BookingMessages, BookingStore, HospitalSystem
from chalicelib.core.root import provider


@provider
def get_his() -> HospitalSystem:
    from chalicelib.bookings.adapters.his_fhir import FhirHospitalSystem
    from chalicelib.bookings.settings import BookingSettings
    from chalicelib.core.config import settings_of

    s = settings_of(BookingSettings)
    return FhirHospitalSystem(s.his_endpoints, timeout_s=s.his_timeout_s, retries=s.his_retries)


_his_override: HospitalSystem | None = None


def use_his(his: HospitalSystem | None) -> None:
    """Tests: a stand-in information system."""
    global _his_override
    _his_override = his


def his() -> HospitalSystem:
    return _his_override or get_his()


@provider
def get_messages() -> BookingMessages:
    from chalicelib.bookings.adapters.mqtt import MqttBookingMessages

    return MqttBookingMessages()


@provider
def get_store() -> BookingStore:
    from chalicelib.bookings.adapters.dynamo import DynamoBookingStore

    return DynamoBookingStore()
