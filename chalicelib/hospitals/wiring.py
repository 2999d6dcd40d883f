"""The hospitals' ports, built on first use (the composition root caches them)."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.hospitals.ports import HospitalPorts, HospitalStore


@provider
def get_store() -> HospitalStore:
    from chalicelib.hospitals.adapters import DynamoHospitalStore

    return DynamoHospitalStore()


@provider
def get_ports() -> HospitalPorts:
    from chalicelib.hospitals.adapters import LiveOptionSources

    return HospitalPorts(store=get_store(), sources=LiveOptionSources())
