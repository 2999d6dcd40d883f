"""Persistence port of the QR domain; implemented in `adapters.py`, built in `wiring.py`."""

from __future__ import annotations

from abc import ABC, abstractmethod

from chalicelib.qr.schemas import Revocation


class RevocationStore(ABC):
    @abstractmethod
    def put(self, revocation: Revocation) -> None:
        """Insert or replace: the latest revocation of a subject supersedes earlier ones."""

    @abstractmethod
    def get(self, subject: str) -> Revocation | None: ...

    @abstractmethod
    def all(self) -> list[Revocation]: ...
