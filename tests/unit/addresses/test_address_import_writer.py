"""BatchWriteItem sink: unprocessed items are resent, alone, after a growing jittered pause."""

from __future__ import annotations

from typing import Any

import pytest

from admin import address_writer
from admin.address_writer import DynamoSink, UnprocessedItemsError
from devstack.seed import generate


class FakeConnection:
    table_name = "ems-test-addresses"

    def __init__(self, refuse: list[int]) -> None:
        self.refuse = refuse  # per call: how many of the sent items come back unprocessed
        self.sent: list[list[str]] = []

    def batch_write_item(self, put_items: Any = None) -> dict[str, Any]:
        self.sent.append([item["address_code"]["S"] for item in put_items])
        n = self.refuse[len(self.sent) - 1] if len(self.sent) <= len(self.refuse) else 0
        unprocessed = [{"PutRequest": {"Item": item}} for item in put_items[-n:]] if n else []
        return {"UnprocessedItems": {self.table_name: unprocessed} if unprocessed else {}}


def test_given_unprocessed_items_then_only_those_are_resent_after_growing_pauses() -> None:
    addresses = generate(addresses=25).addresses
    conn, sleeps = FakeConnection(refuse=[10, 3]), []
    sink = DynamoSink(conn, sleep=sleeps.append, jitter=lambda: 1.0)
    sink(addresses)
    codes = [a.code for a in addresses]
    assert conn.sent == [codes, codes[-10:], codes[-3:]]
    assert sleeps == [0.05, 0.1] and sink.retries == 2


def test_given_items_that_stay_unprocessed_then_the_batch_fails_with_capped_pauses() -> None:
    conn, sleeps = FakeConnection(refuse=[1] * 100), []
    sink = DynamoSink(conn, sleep=sleeps.append, jitter=lambda: 1.0)
    with pytest.raises(UnprocessedItemsError, match="1 items still unprocessed after 10 attempts"):
        sink(generate(addresses=2).addresses)
    assert len(sleeps) == address_writer.MAX_ATTEMPTS - 1 and max(sleeps) == address_writer.MAX_DELAY_S


def test_written_items_are_the_address_records_with_their_cells() -> None:
    conn = FakeConnection(refuse=[])
    items: list[dict[str, Any]] = []
    conn.batch_write_item = lambda put_items=None: items.extend(put_items) or {}  # type: ignore[method-assign]
    DynamoSink(conn)(generate(addresses=1).addresses)
    assert {"address_code", "county", "cell_coarse", "cell_fine", "lat", "lon", "status"} <= set(items[0])
