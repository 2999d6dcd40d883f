"""Cached factories of the bookings ports, built on first use."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.bookings.ports import BookingMessages, HospitalSystem


@lru_cache(maxsize=1)
def get_his() -> HospitalSystem:
    from chalicelib.bookings.his_fhir import FhirHospitalSystem
    from chalicelib.core.config import get_settings

    s = get_settings()
    return FhirHospitalSystem(s.his_endpoints, timeout_s=s.his_timeout_s, retries=s.his_retries)


_his_override: HospitalSystem | None = None


def use_his(his: HospitalSystem | None) -> None:
    """Tests: a stand-in information system."""
    global _his_override
    _his_override = his


def his() -> HospitalSystem:
    return _his_override or get_his()


@lru_cache(maxsize=1)
def get_messages() -> BookingMessages:
    from chalicelib.bookings.adapters import MqttBookingMessages

    return MqttBookingMessages()


def reset() -> None:
    get_his.cache_clear()
    get_messages.cache_clear()
