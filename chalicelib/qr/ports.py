"""Persistence ports of the QR domain; implementations in `dal.py`, built in `deps.py`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from chalicelib.addresses.models import Address
from chalicelib.qr.models import Revocation


class RevocationStore(ABC):
    @abstractmethod
    def put(self, revocation: Revocation) -> None:
        """Insert or replace: the latest revocation of a subject supersedes earlier ones."""

    @abstractmethod
    def get(self, subject: str) -> Revocation | None: ...

    @abstractmethod
    def all(self) -> list[Revocation]: ...


@dataclass(frozen=True)
class AddressSelection:
    """Doors of one community, or of one building (road + number + building)."""

    community: str | None = None
    road: str | None = None
    number: str | None = None
    building: str | None = None
    county: str | None = None


class AddressSource(ABC):
    """Read side of the address registry that doorplates need."""

    @abstractmethod
    def get(self, code: str) -> Address | None: ...

    @abstractmethod
    def select(self, selection: AddressSelection) -> Iterator[Address]: ...
