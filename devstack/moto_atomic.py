"""DynamoDB's write atomicity for the local moto backend.

DynamoDB evaluates a write's condition and applies it atomically, and a transaction is
serializable against every other write to its items. moto checks and applies in plain
Python with no lock, so two threads (two Lambda invocations of the local stack) can both
pass `status = AVAILABLE` and both claim one unit. One process-wide lock around moto's
write operations restores the guarantee the dispatch claim relies on; reads stay unlocked.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_lock = threading.RLock()


def install() -> None:
    """Idempotent: wrap moto's DynamoDB write operations once per process."""
    from moto.dynamodb.models import DynamoDBBackend

    for name in _WRITES:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_ems_atomic", False):
            continue

        @functools.wraps(original)
        def atomic(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        atomic._ems_atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, atomic)
