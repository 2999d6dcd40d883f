"""Input files as a stream of `Record`s, plus a cheap estimate of how many there are."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from admin.address_geojson import geojson_records
from admin.address_rows import FIELDS, REQUIRED, Record

FORMATS = ("csv", "geojson")
UNIT = {"csv": "line", "geojson": "feature"}


class SourceError(ValueError):
    """The file as a whole cannot be imported (missing columns, unknown format)."""


def detect_format(path: Path, given: str | None) -> str:
    if given:
        return given
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".geojson", ".json"):
        return "geojson"
    raise SourceError(f"cannot tell the format of {path.name}; pass --format csv|geojson")


def records(stream: TextIO, fmt: str) -> Iterator[Record]:
    return csv_records(stream) if fmt == "csv" else geojson_records(stream)


def csv_records(stream: TextIO) -> Iterator[Record]:
    reader = csv.reader(stream)
    header = _header(next(reader, []))
    width = len(header)
    position, last_line = 0, reader.line_num
    for row in reader:
        # A quoted field may span lines: report the line the record starts on.
        line, last_line = last_line + 1, reader.line_num
        if not row:
            continue
        position += 1
        error = None if len(row) == width else f"expected {width} columns, got {len(row)}"
        yield Record(position, line, dict(zip(header, row, strict=False)), error)


def check_header(path: Path, encoding: str) -> list[str]:
    """Before anything is written: raises for missing required columns, returns unknown ones."""
    with path.open(encoding=encoding, newline="") as f:
        header = _header(next(csv.reader(f), []))
    return [h for h in header if h not in FIELDS]


def _header(row: list[str]) -> list[str]:
    header = [h.strip().lower() for h in row]
    missing = sorted(REQUIRED - set(header))
    if missing:
        raise SourceError(f"CSV header lacks required columns: {', '.join(missing)}")
    return header


def estimate_total(path: Path, fmt: str) -> int:
    """Records in the file, counted on raw bytes (about 1 s per GB): newlines for CSV
    (a quoted newline counts twice), `"Feature"` strings for GeoJSON."""
    needle = b"\n" if fmt == "csv" else b'"Feature"'
    count, tail, last = 0, b"", b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            # The tail carries a needle cut in two by the chunk boundary.
            count += (tail + chunk).count(needle)
            tail, last = chunk[len(chunk) - len(needle) + 1 :], chunk
    if fmt == "csv":
        # Minus the header; plus a last line without its newline.
        count += (1 if last and not last.endswith(b"\n") else 0) - 1
    return max(count, 0)


def fingerprint(path: Path) -> dict[str, object]:
    """Enough to refuse resuming against a different file, without hashing a GB."""
    with path.open("rb") as f:
        head = hashlib.sha256(f.read(1 << 16)).hexdigest()
    return {"name": path.name, "size": path.stat().st_size, "head_sha256": head}
