"""From an SQS record body (what the IoT rule sent) to a validated device message, or the reason
it is not one. Pure: no I/O.

The rule forwards `{"payload": <base64 of the bytes>, "topic", "received_ms"}` whatever the
device sent, so every broken message reaches this function and leaves with a reason.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import ValidationError

from chalicelib.core.parsing import json_depth
from chalicelib.telemetry.schemas import DeviceStatus, Position, Vitals, WrongUnit, parse

Message = Position | Vitals | DeviceStatus


class Reason(StrEnum):
    INVALID_ENVELOPE = "invalid_envelope"  # not what the IoT rule produces: a misrouted message
    INVALID_JSON = "invalid_json"
    INVALID_SCHEMA = "invalid_schema"
    NOT_A_DEVICE_TOPIC = "not_a_device_topic"
    WRONG_UNIT = "wrong_unit"  # the payload names another unit than its topic
    UNKNOWN_UNIT = "unknown_unit"  # no such unit in the fleet
    CLOCK_AHEAD = "clock_ahead"  # stamped in the future: stored, it would freeze the unit's position
    CLOCK_BEHIND = "clock_behind"  # a day or more old: a clock reset (1970 after a reboot), not a late fix
    TOO_LARGE = "payload_too_large"  # beyond any device message; the reject may carry only its beginning
    TOO_DEEP = "payload_too_deep"  # JSON nested deeper than any device message


@dataclass(frozen=True)
class Inbound:
    message_id: str
    body: str


@dataclass(frozen=True)
class Valid:
    message_id: str
    message: Message
    topic: str
    payload_b64: str


@dataclass(frozen=True)
class Reject:
    message_id: str
    reason: Reason
    detail: str  # what was wrong, never the payload's values
    field: str | None = None
    topic: str | None = None
    payload_b64: str | None = None  # the bytes as received, for whoever fixes the device
    payload_bytes: int | None = None  # the payload's size, when payload_b64 holds only its beginning

    @property
    def unit_id(self) -> str | None:
        parts = (self.topic or "").split("/")
        return parts[2] if len(parts) == 4 and parts[:2] == ["ems", "units"] else None


# Device clocks drift; further ahead than this is a wrong clock (as for the crew app's reports).
MAX_CLOCK_AHEAD_S = 300
# A device replays what it buffered in a dead spot; anything older than a day is a broken clock.
MAX_CLOCK_BEHIND_S = 86_400
# A fix or a reading is well under 1 KiB; IoT Core itself takes at most 128 KiB.
MAX_PAYLOAD_BYTES = 32 * 1024
MAX_DEPTH = 8


def _open(record: Inbound) -> tuple[str, str, bytes, datetime | None] | Reject:
    """Topic, base64 payload, its bytes and the broker's receive time, as the IoT rule sent them."""
    try:
        envelope = json.loads(record.body)
        topic, encoded = envelope["topic"], envelope["payload"]
        if not isinstance(topic, str) or not isinstance(encoded, str):
            raise TypeError("topic and payload must be strings")
        truncated = envelope.get("payload_truncated") is True
        raw = b"" if truncated else base64.b64decode(encoded, validate=True)
        received_ms = envelope.get("received_ms")
        received = datetime.fromtimestamp(received_ms / 1000, UTC) if isinstance(received_ms, int | float) else None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError, binascii.Error) as exc:
        # Kept whole (base64) for whoever traces where it came from.
        body = base64.b64encode(record.body.encode("utf-8", "replace")).decode("ascii")
        return Reject(record.message_id, Reason.INVALID_ENVELOPE, type(exc).__name__, payload_b64=body)
    if truncated:
        # Too large for the queue: the rule's forwarder kept the beginning and the size (devstack bridge).
        size = envelope.get("payload_bytes")
        size = size if isinstance(size, int) else None
        detail = f"{size} bytes, more than a queue message holds"
        return Reject(record.message_id, Reason.TOO_LARGE, detail, topic=topic, payload_b64=encoded, payload_bytes=size)
    return topic, encoded, raw, received


def _clock(message: Message, received: datetime | None) -> tuple[Reason, str] | None:
    try:
        lead = (message.ts - received).total_seconds() if received is not None else 0.0
    except OverflowError:  # a clock in year 1 or 9999
        lead = float("-inf") if message.ts.year < 2000 else float("inf")
    if lead > MAX_CLOCK_AHEAD_S:
        return Reason.CLOCK_AHEAD, f"more than {MAX_CLOCK_AHEAD_S} s ahead of the broker's clock"
    if lead < -MAX_CLOCK_BEHIND_S:
        return Reason.CLOCK_BEHIND, f"more than {MAX_CLOCK_BEHIND_S} s behind the broker's clock"
    return None


def _unreadable(raw: bytes) -> tuple[Reason, str] | None:
    """Too large or too deep to parse: checked first, so parsing never recurses without bound."""
    if len(raw) > MAX_PAYLOAD_BYTES:
        return Reason.TOO_LARGE, f"{len(raw)} bytes, more than {MAX_PAYLOAD_BYTES}"
    if json_depth(raw) > MAX_DEPTH:
        return Reason.TOO_DEEP, f"nested deeper than {MAX_DEPTH} levels"
    return None


def decode(record: Inbound) -> Valid | Reject:
    opened = _open(record)
    if isinstance(opened, Reject):
        return opened
    topic, encoded, raw, received = opened

    def reject(reason: Reason, detail: str, field: str | None = None) -> Reject:
        return Reject(record.message_id, reason, detail, field, topic, encoded)

    unreadable = _unreadable(raw)
    if unreadable is not None:
        return reject(*unreadable)
    try:
        payload = json.loads(raw)
    except ValueError as exc:  # includes bytes that are not UTF-8
        return reject(Reason.INVALID_JSON, f"{type(exc).__name__} at byte {getattr(exc, 'pos', 0)}")
    if not isinstance(payload, dict):
        return reject(Reason.INVALID_JSON, f"a JSON {type(payload).__name__}, not an object")
    try:
        message = parse(topic, payload)
    except WrongUnit as exc:
        return reject(Reason.WRONG_UNIT, str(exc), "unit_id")
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(p) for p in first["loc"] if p not in TAGS) or None
        return reject(Reason.INVALID_SCHEMA, first["msg"], field)
    except ValueError as exc:
        return reject(Reason.NOT_A_DEVICE_TOPIC, str(exc))
    wrong_clock = _clock(message, received)
    if wrong_clock is not None:
        return reject(*wrong_clock, "ts")
    return Valid(record.message_id, message, topic, encoded)


# The discriminated union prefixes each error location with the model's tag; the field is the rest.
TAGS = frozenset({"telemetry", "vitals", "status"})
