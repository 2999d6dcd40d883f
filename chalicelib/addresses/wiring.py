"""The address registry's port, built on first use (`core.root` forgets it on reset)."""

from __future__ import annotations

from chalicelib.addresses.ports import AddressSource
from chalicelib.core.root import provider


@provider
def get_address_source() -> AddressSource:
    from chalicelib.addresses.adapters import DynamoAddressSource

    return DynamoAddressSource()
