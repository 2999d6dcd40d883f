"""BatchWriteItem through PynamoDB's connection, with our own retry of UnprocessedItems.

Not `Model.batch_write()`: PynamoDB 6.1 resends unprocessed items at once, with no
backoff (see the TODO in `pynamodb.models.BatchWrite.commit`), which a throttled table
answers with the same refusal. Errors of the call itself (throttling, 5xx, timeouts)
are retried by botocore's "standard" mode that PynamoDB configures (3 retries).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from chalicelib.addresses.dal import AddressRecord, address_record
from chalicelib.addresses.schemas import Address

MAX_ATTEMPTS = 10
BASE_DELAY_S = 0.05
MAX_DELAY_S = 5.0


class BatchWriter(Protocol):
    """`pynamodb.connection.TableConnection`, as far as a batch write needs it."""

    table_name: str

    def batch_write_item(self, put_items: Any = None) -> dict[str, Any]: ...


class UnprocessedItemsError(RuntimeError):
    pass


class DynamoSink:
    """Writes one batch (<= 25 addresses); safe to call from several threads at once."""

    def __init__(
        self,
        connection: BatchWriter,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.connection, self.sleep, self.jitter = connection, sleep, jitter
        self.retries = 0  # batches resent, for the summary; += is racy but only informative

    @classmethod
    def for_model(cls, model: type[AddressRecord]) -> DynamoSink:
        # PynamoDB builds the connection lazily without a lock: build it before threads start.
        return cls(model._get_connection())

    def __call__(self, addresses: Sequence[Address]) -> None:
        items = [address_record(a).serialize() for a in addresses]
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                self.retries += 1
                # "Full jitter": spread the resends of many workers instead of retrying in lockstep.
                self.sleep(self.jitter() * min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (attempt - 1)))
            data = self.connection.batch_write_item(put_items=items)
            unprocessed = (data or {}).get("UnprocessedItems", {}).get(self.connection.table_name)
            if not unprocessed:
                return
            items = [u["PutRequest"]["Item"] for u in unprocessed]
        raise UnprocessedItemsError(f"{len(items)} items still unprocessed after {MAX_ATTEMPTS} attempts")
