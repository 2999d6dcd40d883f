"""Resume state: how far the input is durably written, and the rejects file to match.

The checkpoint only moves past a record once every batch up to it is written, and it
remembers the rejects file's length at that moment: a resumed run cuts the rejects
file back to it, so rows rejected after the checkpoint are not listed twice.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from admin.address_rows import FIELDS


@dataclass
class Tally:
    position: int = 0  # records consumed, all writes up to here confirmed
    imported: int = 0
    rejected: int = 0
    duplicates: int = 0
    rejects_offset: int = 0
    done: bool = False


@dataclass
class Checkpoint:
    source: dict[str, Any]
    table: str
    tally: Tally = field(default_factory=Tally)

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["source"], data["table"], Tally(**data["tally"]))

    def save(self, path: Path) -> None:
        # Write then rename: a crash mid-write must not leave a half checkpoint.
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)

    def mismatch(self, source: dict[str, Any], table: str) -> str | None:
        if self.source != source:
            return f"checkpoint is for another file ({self.source.get('name')}, {self.source.get('size')} bytes)"
        if self.table != table:
            return f"checkpoint is for table {self.table}, not {table}"
        return None


class Rejects:
    """CSV of rejected rows: where, why, then the row's own fields, ready to fix and re-import."""

    def __init__(self, path: Path, *, resume_offset: int | None) -> None:
        if resume_offset is None or not path.exists():
            path.write_text("", encoding="utf-8")
        else:
            with path.open("r+b") as f:
                f.truncate(resume_offset)
        self._file = path.open("a", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        if self._file.tell() == 0:
            self._csv.writerow(["where", "reason", *FIELDS])

    def add(self, where: str, reason: str, raw: Any) -> None:
        self._csv.writerow([where, reason, *(_cell(raw.get(f)) for f in FIELDS)])

    def offset(self) -> int:
        self._file.flush()
        return self._file.tell()

    def close(self) -> None:
        self._file.close()


def _cell(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
