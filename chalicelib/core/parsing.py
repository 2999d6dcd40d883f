"""Request body and query parsing into pydantic models, with the project's error codes."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from chalicelib.core import errors
from chalicelib.core.config import get_settings


def parse_body(request: Any, model: type[BaseModel]) -> BaseModel:
    raw: bytes = request.raw_body or b""
    if len(raw) > get_settings().max_body_bytes:
        raise errors.PayloadTooLarge(f"body larger than {get_settings().max_body_bytes} bytes")
    content_type = (request.headers or {}).get("content-type", "application/json")
    if raw and "json" not in content_type:
        raise errors.UnsupportedMediaType("send application/json")
    if not raw.strip():
        raise errors.BadRequest("request body is missing", code="missing_body")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise errors.BadRequest("request body is not valid JSON", code="malformed_json") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise errors.ValidationFailed("request body is invalid", details=_issues(exc)) from exc


def parse_query(request: Any, model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(dict(request.query_params or {}))
    except ValidationError as exc:
        raise errors.ValidationFailed("query parameters are invalid", details=_issues(exc)) from exc


def _issues(exc: ValidationError) -> list[dict[str, str]]:
    # Field path and message only: never echo the submitted values (they may be PII).
    return [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]} for e in exc.errors()]
