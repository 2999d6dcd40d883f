"""Request body and query parsing into pydantic models, with the project's error codes.

Bodies are strict: a JSON `true` is not a number, `13800000000` is not a phone string, `"5"` is not a
count (pydantic's strict mode on JSON still reads ISO times, enum values and UUIDs from strings).
Query strings are text by nature, so their numbers and times are read from strings (lax).
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from pydantic import BaseModel, ValidationError

from chalicelib.core import errors
from chalicelib.core.config import get_settings

MAX_DEPTH = 32
# A JSON string (escapes included); what is left outside them are the brackets that nest.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
# Opening brackets to +1, closing ones to -1 (0xff read as a signed byte): a running sum is the depth.
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def json_depth(raw: bytes) -> int:
    """How deep arrays and objects nest in `raw`, found without parsing (so without recursion)."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    return max(accumulate(memoryview(brackets.translate(_STEPS)).cast("b")), default=0)


def parse_body(request: Any, model: type[BaseModel]) -> BaseModel:
    raw: bytes = request.raw_body or b""
    if len(raw) > get_settings().max_body_bytes:
        raise errors.PayloadTooLarge(f"body larger than {get_settings().max_body_bytes} bytes")
    content_type = (request.headers or {}).get("content-type", "application/json")
    if raw and "json" not in content_type:
        raise errors.UnsupportedMediaType("send application/json")
    if not raw.strip():
        raise errors.BadRequest("request body is missing", code="missing_body")
    if json_depth(raw) > MAX_DEPTH:
        raise errors.BadRequest(f"request body nests deeper than {MAX_DEPTH} levels", code="too_deep")
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise errors.BadRequest("request body is not valid JSON", code="malformed_json") from exc
        raise errors.ValidationFailed("request body is invalid", details=_issues(exc)) from exc


def parse_query(request: Any, model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(dict(request.query_params or {}))
    except ValidationError as exc:
        raise errors.ValidationFailed("query parameters are invalid", details=_issues(exc)) from exc


def _issues(exc: ValidationError) -> list[dict[str, str]]:
    # Field path and message only: never echo the submitted values (they may be PII).
    return [
        {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]
