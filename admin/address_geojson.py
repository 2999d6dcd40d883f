"""Stream the features of a GeoJSON FeatureCollection without reading the whole file.

`json` has no incremental parser, so this walks the top-level object itself and hands
each feature to `raw_decode`, refilling a small buffer when a value is cut off.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from admin.address_rows import Record

CHUNK = 1 << 16
# No feature of a door address is this big: past it, the JSON is broken, not cut off.
MAX_VALUE_CHARS = 64 << 20
_WS = " \t\n\r"


class GeoJSONError(ValueError):
    """The file is not a readable FeatureCollection from here on (fatal for the rest)."""


def geojson_records(stream: TextIO) -> Iterator[Record]:
    buf = _Buffer(stream)
    buf.expect("{")
    position = 0
    while not buf.take_if("}"):
        key = buf.value()
        buf.expect(":")
        if key != "features":
            buf.value()  # "type", "name", "crs", "bbox": nothing to import
        elif not buf.take_if("["):
            raise GeoJSONError("'features' is not an array")
        else:
            while not buf.take_if("]"):
                position += 1
                yield _record(position, buf.value())
                buf.take_if(",")
        buf.take_if(",")


def _record(position: int, feature: Any) -> Record:
    index = position - 1  # features are counted from 0, as in features[i]
    if not isinstance(feature, dict):
        return Record(position, index, {}, "feature is not an object")
    props = feature.get("properties")
    raw = dict(props) if isinstance(props, dict) else {}
    geometry = feature.get("geometry")
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return Record(position, index, raw, "geometry: expected a Point")
    if not isinstance(coords, list) or len(coords) < 2:
        return Record(position, index, raw, "geometry: Point needs [lon, lat]")
    # The geometry is the location; lat/lon properties, if any, are ignored.
    raw["lon"], raw["lat"] = coords[0], coords[1]
    return Record(position, index, raw)


class _Buffer:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._text = ""
        self._pos = 0
        self._consumed = 0  # characters dropped from the front, for error offsets
        self._eof = False
        self._decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = self._stream.read(CHUNK)
        self._eof = not chunk
        self._consumed += self._pos
        self._text = self._text[self._pos :] + chunk
        self._pos = 0
        return bool(chunk)

    def _skip_ws(self) -> None:
        while True:
            while self._pos < len(self._text) and self._text[self._pos] in _WS:
                self._pos += 1
            if self._pos < len(self._text) or not self._fill():
                return

    def take_if(self, char: str) -> bool:
        self._skip_ws()
        if self._text.startswith(char, self._pos):
            self._pos += 1
            return True
        return False

    def expect(self, char: str) -> None:
        if not self.take_if(char):
            raise GeoJSONError(f"expected {char!r} at character {self._consumed + self._pos}")

    def value(self) -> Any:
        self._skip_ws()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as exc:
                where = self._consumed + exc.pos  # before a refill moves the window
                if len(self._text) - self._pos > MAX_VALUE_CHARS or not self._fill():
                    raise GeoJSONError(f"invalid JSON at character {where}") from None
                continue
            # A number ending exactly at the buffer's end may continue in the next chunk.
            if end == len(self._text) and self._fill():
                continue
            self._pos = end
            return value
