"""Records in, batches of 25 out to a sink, the checkpoint trailing the confirmed writes.

Batches may be written by several threads, but they are confirmed strictly in input
order, so the checkpoint never passes a batch that is still in flight. A code seen in
an earlier batch makes its batch wait for everything before it: last one wins, always.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from admin.address_checkpoint import Checkpoint, Rejects, Tally
from admin.address_rows import Record, RowError, to_address
from chalicelib.addresses.schemas import Address

Sink = Callable[[list[Address]], None]
SAVE_EVERY_S = 1.0  # a hard kill redoes at most this much work; puts are idempotent


class Importer:
    def __init__(
        self,
        sink: Sink,
        checkpoint: Checkpoint,
        checkpoint_path: Path,
        rejects: Rejects,
        *,
        unit: str,
        batch_size: int = 25,
        workers: int = 1,
        on_issue: Callable[[str], None] = lambda _: None,
        on_progress: Callable[[Tally], None] = lambda _: None,
    ) -> None:
        self.sink, self.checkpoint, self.path, self.rejects = sink, checkpoint, checkpoint_path, rejects
        self.unit, self.batch_size, self.workers = unit, batch_size, workers
        self.on_issue, self.on_progress = on_issue, on_progress
        self.tally = replace(checkpoint.tally)  # running counts, ahead of the checkpoint
        self._seen: dict[str, int] = {}  # code -> ref of its latest row (~100 MB per million)
        self._inflight: deque[tuple[Future[None], Tally]] = deque()
        self._batch: dict[str, Address] = {}
        self._barrier = False
        self._saved_at = time.monotonic()

    def run(self, records: Iterable[Record]) -> Tally:
        resume_at = self.checkpoint.tally.position
        with ThreadPoolExecutor(self.workers, thread_name_prefix="import") as pool:
            try:
                for record in records:
                    if record.position <= resume_at:
                        self._replay(record)
                        continue
                    if record.position == resume_at + 1:
                        self.on_progress(self.checkpoint.tally)  # skipping is over: rates count from here
                    self._take(pool, record)
                self._flush(pool)
                self._drain(0)
                self.tally.done = True
                self._confirm(replace(self.tally, rejects_offset=self.rejects.offset()))
            finally:
                for future, _ in self._inflight:
                    future.cancel()
                self.checkpoint.save(self.path)
        return self.tally

    def _replay(self, record: Record) -> None:
        # Rows before the checkpoint are written; only their codes matter, for duplicates.
        if record.error is None:
            with contextlib.suppress(RowError):
                self._seen[to_address(record.raw).code] = record.ref

    def _take(self, pool: ThreadPoolExecutor, record: Record) -> None:
        self.tally.position = record.position
        accepted = self._accept(record)
        if accepted is None:
            return
        address, repeated = accepted
        # Seen in an earlier batch: this batch waits until that one is written (last one wins).
        # Seen in this batch: replaced in place, as DynamoDB refuses a key twice in one batch.
        self._barrier |= repeated and address.code not in self._batch
        self._batch[address.code] = address
        if len(self._batch) == self.batch_size:
            self._flush(pool)

    def _accept(self, record: Record) -> tuple[Address, bool] | None:
        where = f"{self.unit} {record.ref}"
        try:
            if record.error:
                raise RowError(record.error)
            address = to_address(record.raw)
        except RowError as exc:
            self.tally.rejected += 1
            self.rejects.add(where, str(exc), record.raw)
            self.on_issue(f"{where}: {exc}")
            return None
        previous = self._seen.get(address.code)
        if previous is not None:
            self.tally.duplicates += 1
            self.on_issue(f"{where}: duplicate code {address.code}, replaces {self.unit} {previous} (last one wins)")
        self._seen[address.code] = record.ref
        self.tally.imported += 1
        return address, previous is not None

    def _flush(self, pool: ThreadPoolExecutor) -> None:
        if not self._batch:
            return
        tally = replace(self.tally, rejects_offset=self.rejects.offset())
        # Bounded read-ahead: at most two batches per worker wait in memory.
        self._drain(0 if self._barrier else self.workers * 2 - 1)
        self._inflight.append((pool.submit(self.sink, list(self._batch.values())), tally))
        self._batch, self._barrier = {}, False
        while self._inflight and self._inflight[0][0].done():
            self._confirm_oldest()

    def _drain(self, limit: int) -> None:
        while len(self._inflight) > limit:
            self._confirm_oldest()

    def _confirm_oldest(self) -> None:
        future, tally = self._inflight.popleft()
        future.result()  # a failed batch stops the import here, checkpoint before it
        self._confirm(tally)

    def _confirm(self, tally: Tally) -> None:
        self.checkpoint.tally = tally
        self.on_progress(tally)
        if time.monotonic() - self._saved_at >= SAVE_EVERY_S:
            self.checkpoint.save(self.path)
            self._saved_at = time.monotonic()
