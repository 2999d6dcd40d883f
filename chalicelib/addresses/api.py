"""What other domains may ask of the address registry: one door by its code."""

from __future__ import annotations

from chalicelib.addresses import service
from chalicelib.addresses.schemas import Address, AddressStatus
from chalicelib.addresses.wiring import get_address_source

__all__ = ["Address", "AddressStatus", "get_address"]


def get_address(code: str) -> Address:
    """The address, or 404 `address_not_found`."""
    return service.get_address(code, source=get_address_source())
