"""Route declaration, request parsing and the single error-to-HTTP mapping.

Every API route is declared with `route(...)`, which records it for the OpenAPI
document, authenticates when asked, parses the JSON body into a pydantic model and
turns any failure into `{"error": {"code", "message"}}` with the right status.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice import Blueprint, Chalice, Response
from pydantic import BaseModel, ValidationError

from chalicelib.core import errors
from chalicelib.core.auth import Principal, Role, authenticate, require_role
from chalicelib.core.config import get_settings
from chalicelib.core.observability import bind_correlation_id, flush_metrics, logger

ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded", "application/xml"]


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    summary: str
    roles: tuple[Role, ...] | None  # None: public
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int = 200
    query: type[BaseModel] | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    errors: tuple[int, ...] = ()


ROUTES: list[RouteSpec] = []


@dataclass
class Ctx:
    """What a view gets: the principal (if authenticated), parsed body and query."""

    principal: Principal | None
    body: Any
    query: Any
    params: dict[str, str]
    correlation_id: str

    @property
    def who(self) -> Principal:
        if self.principal is None:  # pragma: no cover - route declared public by mistake
            raise errors.Unauthorized("authentication required", code="missing_token")
        return self.principal


def error_response(err: errors.DomainError, correlation_id: str) -> Response:
    return Response(
        body=err.body(),
        status_code=err.status,
        headers={"Content-Type": "application/json", "X-Correlation-Id": correlation_id},
    )


def route(
    bp: Blueprint | Chalice,
    path: str,
    method: str,
    *,
    summary: str,
    roles: tuple[Role, ...] | None,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    status: int = 200,
    tags: tuple[str, ...] = (),
) -> Callable[[Callable[[Ctx], Any]], Callable[..., Response]]:
    def decorator(view: Callable[[Ctx], Any]) -> Callable[..., Response]:
        spec = RouteSpec(path, method, summary, roles, body, response, status, query, tags)
        ROUTES.append(spec)

        @functools.wraps(view)
        def handler(**params: str) -> Response:
            request = bp.current_request
            assert request is not None  # Chalice sets it for every HTTP invocation
            headers: Any = request.headers or {}
            correlation_id = headers.get("x-correlation-id") or _request_id(request) or str(uuid.uuid4())
            bind_correlation_id(correlation_id)
            try:
                principal = None
                if roles is not None:
                    principal = authenticate(headers.get("authorization"))
                    require_role(principal, roles)
                ctx = Ctx(
                    principal=principal,
                    body=_parse_body(request, body) if body else None,
                    query=_parse_query(request, query) if query else None,
                    params=params,
                    correlation_id=correlation_id,
                )
                result = view(ctx)
                return _to_response(result, status, correlation_id)
            except errors.DomainError as err:
                return error_response(err, correlation_id)
            except Exception:
                logger().exception("unhandled error", extra={"path": path, "method": method})
                return error_response(
                    errors.DomainError(f"internal error; quote correlation id {correlation_id}"), correlation_id
                )
            finally:
                flush_metrics()

        handler.__name__ = f"{method.lower()}_{view.__name__}"
        # Accept any declared type so a wrong one reaches us and gets our 415, not Chalice's.
        bp.route(path, methods=[method], content_types=_CONTENT_TYPES)(handler)
        return handler

    return decorator


def finalize(app: Chalice) -> None:
    """Answer 405 (in our error format) for every method a path does not declare."""
    by_path: dict[str, set[str]] = {}
    for spec in ROUTES:
        by_path.setdefault(spec.path, set()).add(spec.method)
    for path, declared in by_path.items():
        missing = [m for m in ALL_METHODS if m not in declared]
        if missing:
            app.route(path, methods=missing, content_types=_CONTENT_TYPES)(
                _method_not_allowed(app, path, sorted(declared))
            )


def _method_not_allowed(app: Chalice, path: str, allowed: list[str]) -> Callable[..., Response]:
    def view(**_: str) -> Response:
        request = app.current_request
        assert request is not None
        err = errors.MethodNotAllowed(f"{request.method} not allowed; use {', '.join(allowed)}")
        resp = error_response(err, _request_id(request) or str(uuid.uuid4()))
        resp.headers["Allow"] = ", ".join(allowed)
        return resp

    view.__name__ = "not_allowed_" + path.strip("/").replace("/", "_").replace("{", "").replace("}", "")
    return view


def _request_id(request: Any) -> str | None:
    ctx = getattr(request, "context", None) or {}
    return ctx.get("requestId")


def _parse_body(request: Any, model: type[BaseModel]) -> BaseModel:
    raw: bytes = request.raw_body or b""
    if len(raw) > get_settings().max_body_bytes:
        raise errors.PayloadTooLarge(f"body larger than {get_settings().max_body_bytes} bytes")
    content_type = (request.headers or {}).get("content-type", "application/json")
    if raw and "json" not in content_type:
        raise errors.UnsupportedMediaType("send application/json")
    try:
        data = json.loads(raw or b"null")
    except ValueError as exc:
        raise errors.BadRequest("request body is not valid JSON", code="malformed_json") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise errors.ValidationFailed("request body is invalid", details=_issues(exc)) from exc


def _parse_query(request: Any, model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(dict(request.query_params or {}))
    except ValidationError as exc:
        raise errors.ValidationFailed("query parameters are invalid", details=_issues(exc)) from exc


def _issues(exc: ValidationError) -> list[dict[str, str]]:
    # Field path and message only: never echo the submitted values (they may be PII).
    return [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]} for e in exc.errors()]


def _to_response(result: Any, status: int, correlation_id: str) -> Response:
    if isinstance(result, Response):
        result.headers.setdefault("X-Correlation-Id", correlation_id)
        return result
    body = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    return Response(
        body=body,
        status_code=status,
        headers={"Content-Type": "application/json", "X-Correlation-Id": correlation_id},
    )
