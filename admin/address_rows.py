"""One input row -> one validated `Address`, or a one-line reason why not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from pydantic import ValidationError

from chalicelib.addresses.schemas import Address

FIELDS = (
    "code",
    "county",
    "township",
    "community",
    "road",
    "number",
    "building",
    "unit",
    "floor",
    "room",
    "text_zh",
    "text_en",
    "lat",
    "lon",
    "status",
)
REQUIRED = frozenset(FIELDS) - {"building", "unit", "floor", "room", "status"}
# Mainland, Hainan and the South China Sea islands; a box, so it catches swapped or
# zeroed coordinates and foreign datums, not a point just across a land border.
LAT_MIN, LAT_MAX = 3.8, 53.6
LON_MIN, LON_MAX = 73.4, 135.1


class Record(NamedTuple):
    """One input record: `position` counts records from 1 (what a checkpoint stores),
    `ref` is what a person looks up (CSV line number, GeoJSON feature index)."""

    position: int
    ref: int
    raw: Mapping[str, Any]
    error: str | None = None


class RowError(ValueError):
    """A row that cannot be imported; the message is the reason shown to the operator."""


def to_address(raw: Mapping[str, Any]) -> Address:
    data = {}
    for name in FIELDS:
        value = raw.get(name)
        if isinstance(value, str):
            value = value.strip()
        # Registry exports leave optional columns blank rather than omitting them.
        if value is not None and value != "":
            data[name] = value
    # Checked first: for swapped or foreign coordinates the box says more than "lat <= 90".
    outside = _outside_china(data.get("lat"), data.get("lon"))
    try:
        address = Address.model_validate(data)
    except ValidationError as exc:
        reasons = _reasons(exc, skip={"lat", "lon"} if outside else set())
        raise RowError("; ".join(r for r in (outside, reasons) if r)) from None
    if outside:
        raise RowError(outside)
    return address


def _outside_china(lat: Any, lon: Any) -> str | None:
    try:
        y, x = float(lat), float(lon)
    except (TypeError, ValueError):
        return None  # not numbers: the model says so
    if LAT_MIN <= y <= LAT_MAX and LON_MIN <= x <= LON_MAX:
        return None
    hint = " (lat and lon swapped?)" if LAT_MIN <= x <= LAT_MAX and LON_MIN <= y <= LON_MAX else ""
    return f"lat={lat}, lon={lon} outside China's bounding box{hint}"


def _reasons(exc: ValidationError, skip: set[str]) -> str:
    parts = []
    for err in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(p) for p in err["loc"]) or "row"
        if field in skip:
            continue
        parts.append(f"{field}: {'missing' if err['type'] == 'missing' else err['msg']}")
    return "; ".join(parts)
