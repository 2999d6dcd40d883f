"""The AED registry's store, built on first use."""

from __future__ import annotations

from chalicelib.aeds.ports import AedStore
from chalicelib.core.root import provider


@provider
def get_store() -> AedStore:
    from chalicelib.aeds.adapters import DynamoAedStore

    return DynamoAedStore()
