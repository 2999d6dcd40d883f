"""Import pipeline with an in-memory table: batches, last-one-wins, crash and resume."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from admin import address_pipeline
from admin.address_checkpoint import Checkpoint, Rejects, Tally
from admin.address_pipeline import Importer
from admin.address_rows import Record
from chalicelib.addresses.schemas import Address
from devstack.seed import generate

SOURCE = {"name": "a.csv", "size": 1, "head_sha256": "x"}


class Crash(RuntimeError):
    pass


class FakeTable:
    """A sink that applies each batch when it completes, like DynamoDB would."""

    def __init__(self, fail_after: int | None = None, slow_first: float = 0.0) -> None:
        self.items: dict[str, Address] = {}
        self.calls = 0
        self.fail_after, self.slow_first = fail_after, slow_first
        self._lock = threading.Lock()

    def __call__(self, batch: list[Address]) -> None:
        assert 0 < len(batch) <= 25 and len({a.code for a in batch}) == len(batch)
        with self._lock:
            self.calls += 1
            call = self.calls
        if self.fail_after is not None and call > self.fail_after:
            raise Crash(f"killed at batch {call}")
        time.sleep(self.slow_first if call == 1 else 0)
        with self._lock:
            self.items.update({a.code: a for a in batch})


def rows(n: int = 200) -> tuple[list[Record], dict[str, Address]]:
    """n records, 3 of them bad, 2 repeating an earlier code with new text; and the expected table."""
    raws = [a.model_dump(mode="json") for a in generate(addresses=n).addresses]
    raws[5]["lat"] = "abc"
    raws[77]["county"] = "35"
    raws[150] = {}
    raws[40] = raws[10] | {"text_en": "moved, second version"}  # earlier batch still in flight
    raws[190] = raws[30] | {"text_en": "after the crash point"}
    records = [Record(i + 1, i + 2, raw, "bad CSV row" if not raw else None) for i, raw in enumerate(raws)]
    expected: dict[str, Address] = {}
    for i, raw in enumerate(raws):
        if i not in (5, 77, 150):
            expected[raw["code"]] = Address.model_validate(raw)
    return records, expected


def run(records: list[Record], sink: Any, tmp: Path, *, resume: bool = False, workers: int = 1) -> Tally:
    path = tmp / "a.checkpoint.json"
    previous = Checkpoint.load(path) if resume else None
    rejects = Rejects(tmp / "rejects.csv", resume_offset=previous.tally.rejects_offset if previous else None)
    try:
        importer = Importer(sink, previous or Checkpoint(SOURCE, "t"), path, rejects, unit="line", workers=workers)
        return importer.run(iter(records))
    finally:
        rejects.close()


@pytest.fixture(autouse=True)
def _save_every_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(address_pipeline, "SAVE_EVERY_S", 0.0)


def test_given_bad_rows_and_repeated_codes_then_good_rows_land_and_the_last_one_wins(tmp_path: Path) -> None:
    records, expected = rows()
    table = FakeTable(slow_first=0.05)  # the first batch finishes after later ones
    tally = run(records, table, tmp_path, workers=4)
    assert table.items == expected
    assert (tally.position, tally.imported, tally.rejected, tally.duplicates, tally.done) == (200, 197, 3, 2, True)
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[0] for r in rejects] == ["where", "line 7", "line 79", "line 152"]
    assert "bad CSV row" in rejects[3]


@pytest.mark.parametrize("workers", [1, 3])
def test_given_a_crash_after_k_batches_when_resumed_then_all_rows_land_and_rejects_are_listed_once(
    tmp_path: Path, workers: int
) -> None:
    records, expected = rows()
    clean = tmp_path / "clean"
    clean.mkdir()
    run(records, FakeTable(), clean)
    table = FakeTable(fail_after=3)
    with pytest.raises(Crash):
        run(records, table, tmp_path, workers=workers)
    stopped = Checkpoint.load(tmp_path / "a.checkpoint.json")
    assert stopped is not None and not stopped.tally.done and stopped.tally.position >= 75
    table.fail_after = None
    tally = run(records, table, tmp_path, resume=True, workers=workers)
    assert table.items == expected
    assert (tally.imported, tally.rejected, tally.duplicates, tally.done) == (197, 3, 2, True)
    assert (tmp_path / "rejects.csv").read_text(encoding="utf-8") == (clean / "rejects.csv").read_text(encoding="utf-8")


def test_given_a_hard_kill_with_a_stale_checkpoint_when_resumed_then_the_result_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a checkpoint saved after batch 2 while batches up to 6 were written (kill -9 before the next save).
    records, expected = rows()
    saves: list[Path] = []
    original = Checkpoint.save

    def keep_copies(self: Checkpoint, path: Path) -> None:
        original(self, path)
        saves.append(tmp_path / f"save{len(saves)}.json")
        shutil.copy(path, saves[-1])

    monkeypatch.setattr(Checkpoint, "save", keep_copies)
    table = FakeTable(fail_after=6)
    with pytest.raises(Crash):
        run(records, table, tmp_path)
    shutil.copy(saves[1], tmp_path / "a.checkpoint.json")
    # When resumed, the rows between the stale checkpoint and the kill are written again (idempotent puts).
    table.fail_after = None
    tally = run(records, table, tmp_path, resume=True)
    assert table.items == expected
    assert tally.rejected == 3
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[0] for r in rejects] == ["where", "line 7", "line 79", "line 152"]
