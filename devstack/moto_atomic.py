"""DynamoDB's write atomicity for the local moto backend.

DynamoDB evaluates a write's condition and applies it atomically, and a transaction is
serializable against every other write to its items. moto checks and applies in plain
Python with no lock, so two threads (two Lambda invocations of the local stack) can both
pass `status = AVAILABLE` and both claim one unit. One process-wide lock around moto's
write operations restores the guarantee the dispatch claim relies on. Reads take the lock too: moto
sizes a Query's items by iterating their attributes, which a concurrent update may be changing
(`dictionary changed size during iteration`), where DynamoDB always reads a whole item.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_READS = ("get_item", "query", "scan", "batch_get_item", "transact_get_items")
_lock = threading.RLock()


def install() -> None:
    """Idempotent: wrap moto's DynamoDB operations once per process."""
    from moto.dynamodb.models import DynamoDBBackend

    for name in _WRITES + _READS:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_ems_atomic", False):
            continue

        @functools.wraps(original)
        def atomic(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        atomic._ems_atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, atomic)
