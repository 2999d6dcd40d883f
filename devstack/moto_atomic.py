"""DynamoDB's write atomicity for the local moto backend.

DynamoDB evaluates a write's condition and applies it atomically, and a transaction is
serializable against every other write to its items. moto checks and applies in plain
Python with no lock, so two threads (two Lambda invocations of the local stack) can both
pass `status = AVAILABLE` and both claim one unit. One process-wide lock restores the
guarantee the dispatch claim relies on.

The lock spans a whole DynamoDB request, reads included, from parsing to the serialized answer:
moto builds a read's response from the live item after its backend call returns, and a
concurrent update changing that item's attributes then breaks the iteration (`dictionary
changed size during iteration`), where DynamoDB always reads a whole item. The backend's own
operations are wrapped too, for callers that reach the backend without a request.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_READS = ("get_item", "query", "scan", "batch_get_item", "transact_get_items")
_lock = threading.RLock()


def install() -> None:
    """Idempotent: wrap moto's DynamoDB request handling and backend operations once per process."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    _wrap(DynamoHandler, "call_action")
    for name in _WRITES + _READS:
        _wrap(DynamoDBBackend, name)


def _wrap(cls: type, name: str) -> None:
    original = getattr(cls, name)
    if getattr(original, "_ems_atomic", False):
        return

    @functools.wraps(original)
    def atomic(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
        with _lock:
            return __original(self, *args, **kwargs)

    atomic._ems_atomic = True  # type: ignore[attr-defined]
    setattr(cls, name, atomic)
