"""Read side of the address registry (the doorplates, call intake and the print sheet need it)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from chalicelib.addresses.schemas import Address


@dataclass(frozen=True)
class AddressSelection:
    """Doors of one community, or of one building (road + number + building)."""

    community: str | None = None
    road: str | None = None
    number: str | None = None
    building: str | None = None
    county: str | None = None


class AddressSource(ABC):
    @abstractmethod
    def get(self, code: str) -> Address | None: ...

    @abstractmethod
    def select(self, selection: AddressSelection) -> Iterator[Address]: ...
