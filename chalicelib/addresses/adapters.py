"""The PynamoDB AddressSource (imported on first use, not at cold start)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalicelib.addresses.dal import AddressRecord, to_address
from chalicelib.addresses.ports import AddressSelection, AddressSource
from chalicelib.addresses.schemas import Address
from chalicelib.core.tables import bound


class DynamoAddressSource(AddressSource):
    def get(self, code: str) -> Address | None:
        try:
            return to_address(bound(AddressRecord).get(code))
        except AddressRecord.DoesNotExist:
            return None

    def select(self, selection: AddressSelection) -> Iterator[Address]:
        # A filtered Scan reads the whole table: fine for an admin printing plates now and then,
        # and the by-county index cannot help because it does not project community or road.
        condition: Any = None
        for name in ("community", "road", "number", "building", "county"):
            value = getattr(selection, name)
            if value is not None:
                term = getattr(AddressRecord, name) == value
                condition = term if condition is None else condition & term
        if condition is None:
            raise ValueError("select a community or a building, not the whole registry")
        for record in bound(AddressRecord).scan(filter_condition=condition):
            yield to_address(record)
