"""Route declaration, request parsing and the single error-to-HTTP mapping.

Every API route is declared with `route(...)`, which records it for the OpenAPI
document, authenticates when asked, parses the JSON body into a pydantic model and
turns any failure into `{"error": {"code", "message"}}` with the right status.
"""

from __future__ import annotations

import functools
import inspect
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalice import Blueprint, Chalice, Response
from pydantic import BaseModel

from chalicelib.core import errors
from chalicelib.core.auth import Principal, Role, authenticate, require_role
from chalicelib.core.observability import bind_correlation_id, count, flush_metrics, logger, traced
from chalicelib.core.parsing import parse_body, parse_query
from chalicelib.core.root import provider

ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_CONTENT_TYPES = [
    "application/json",
    "text/plain",
    "text/json",
    "text/html",
    "application/x-www-form-urlencoded",
    "application/xml",
    "text/xml",
    "multipart/form-data",
    "application/octet-stream",
]


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
    # Statuses the view's own logic can answer besides success, each with its error codes;
    # what follows from auth, body and query is derived (`responses`).
    errors: tuple[tuple[int, tuple[str, ...]], ...] = ()
    description: str | None = None
    media_type: str = "application/json"
    caller_token: bool = False  # public, but answers only the caller token of the call in its path

    def responses(self) -> dict[int, tuple[str, ...]]:
        """Every status the operation can answer but its success, with the error codes of each."""
        return _responses(self)


ROUTES: list[RouteSpec] = []
# Called with the principal, the path parameters and the error whenever a route declared with
# `refused=` answers 403 or 404 to an authenticated caller: one place where every refusal is seen.
RefusalHook = Callable[[Principal, dict[str, str], errors.DomainError], None]
_REFUSED: dict[tuple[str, str], RefusalHook] = {}

# Derived from how a route is declared: `_serve` and `parse_*` answer these themselves.
_AUTH: dict[int, tuple[str, ...]] = {
    401: ("missing_token", "invalid_token", "token_expired", "auth_not_configured"),
    403: ("role_denied", "scope_denied"),
}
_BODY: dict[int, tuple[str, ...]] = {
    400: ("missing_body", "malformed_json", "too_deep"),
    413: ("payload_too_large",),
    415: ("unsupported_media_type",),
    422: ("validation_failed",),
}
_QUERY: dict[int, tuple[str, ...]] = {422: ("validation_failed",)}
_CALLER: dict[int, tuple[str, ...]] = {
    401: ("invalid_caller_token", "caller_token_expired"),
    403: ("not_your_call",),
    404: ("call_not_found",),
    503: ("qr_not_configured", "qr_keys_unavailable"),  # caller tokens are signed with the QR key ring
}
_ALWAYS: dict[int, tuple[str, ...]] = {500: ("internal_error",)}


@provider
def _responses(spec: RouteSpec) -> dict[int, tuple[str, ...]]:
    parts: list[Mapping[int, tuple[str, ...]]] = [_ALWAYS, dict(spec.errors)]
    if spec.roles is not None:
        parts.append(_AUTH)
    if spec.body is not None:
        parts.append(_BODY)
    if spec.query is not None:
        parts.append(_QUERY)
    if spec.caller_token:
        parts.append(_CALLER)
    merged: dict[int, tuple[str, ...]] = {}
    for part in parts:
        for status, codes in part.items():
            merged[status] = tuple(dict.fromkeys((*merged.get(status, ()), *codes)))
    return dict(sorted(merged.items()))


@dataclass
class Ctx:
    """What a view gets: the principal (if authenticated), parsed body and query."""

    principal: Principal | None
    body: Any
    query: Any
    params: dict[str, str]
    correlation_id: str
    headers: Any = None
    source_ip: str | None = None
    lambda_context: Any = None

    def header(self, name: str) -> str | None:
        value = (self.headers or {}).get(name.lower())
        return str(value) if value is not None else None

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
    refused: RefusalHook | None = None,
    errors: Mapping[int, Iterable[str]] | None = None,
    description: str | None = None,
    media_type: str = "application/json",
    caller_token: bool = False,
) -> Callable[[Callable[[Ctx], Any]], Callable[..., Response]]:
    """Declare an API route.

    `errors` names every other status the view's logic can answer, with its error codes, e.g.
    `{404: ("unit_not_found",), 409: ("illegal_transition",)}`; 401/403 (a role is required),
    400/413/415/422 (a body), 422 (a query) and 500 are added from the declaration itself. A
    response with any other status is logged and counted (`UndeclaredStatus`). `description`
    (else the view's docstring) states the rules the schemas cannot; `media_type` is the success
    body's type when it is not JSON; `caller_token` marks a public route that answers only the
    caller token (`Authorization: Bearer <caller_token>`) of the call it names.
    """

    def decorator(view: Callable[[Ctx], Any]) -> Callable[..., Response]:
        declared = tuple(sorted((int(code), tuple(names)) for code, names in (errors or {}).items()))
        doc = description or (inspect.cleandoc(view.__doc__) if view.__doc__ else None)
        spec = RouteSpec(
            path, method, summary, roles, body, response, status, query, tags, declared, doc, media_type, caller_token
        )
        ROUTES.append(spec)
        if refused is not None:
            _REFUSED[(path, method)] = refused

        @functools.wraps(view)
        def handler(**params: str) -> Response:
            return _serve(bp, spec, view, params)

        handler.__name__ = f"{method.lower()}_{view.__name__}"
        # Accept any declared type so a wrong one reaches us and gets our 415, not Chalice's.
        bp.route(path, methods=[method], content_types=_CONTENT_TYPES)(handler)
        return handler

    return decorator


def _serve(bp: Blueprint | Chalice, spec: RouteSpec, view: Callable[[Ctx], Any], params: dict[str, str]) -> Response:
    request = bp.current_request
    assert request is not None  # Chalice sets it for every HTTP invocation
    headers: Any = request.headers or {}
    correlation_id = headers.get("x-correlation-id") or _request_id(request) or str(uuid.uuid4())
    bind_correlation_id(correlation_id)
    with traced(f"## {spec.method} {spec.path}", correlation_id):
        try:
            principal = None
            if spec.roles is not None:
                principal = authenticate(headers.get("authorization"))
                require_role(principal, spec.roles)
            ctx = Ctx(
                principal=principal,
                body=parse_body(request, spec.body) if spec.body else None,
                query=parse_query(request, spec.query) if spec.query else None,
                params=params,
                correlation_id=correlation_id,
                headers=headers,
                source_ip=((getattr(request, "context", None) or {}).get("identity") or {}).get("sourceIp"),
                lambda_context=getattr(bp, "lambda_context", None),
            )
            resp = _to_response(view(ctx), spec.status, correlation_id)
            _check_declared(spec, resp.status_code, None)
            return resp
        except errors.DomainError as err:
            if err.status in (401, 403):
                # Refused tokens are a security signal worth an alarm, unlike other 4xx.
                count("AuthRejected")
            _tell_refused(spec, principal, params, err)
            _check_declared(spec, err.status, err.code)
            return error_response(err, correlation_id)
        except Exception:
            logger().exception("unhandled error", extra={"path": spec.path, "method": spec.method})
            count("UnhandledError")
            return error_response(
                errors.DomainError(f"internal error; quote correlation id {correlation_id}"), correlation_id
            )
        finally:
            flush_metrics()


def _check_declared(spec: RouteSpec, status: int, code: str | None) -> None:
    """The OpenAPI document promises every status and error code a route answers: flag a broken promise."""
    if status == spec.status:
        return
    declared = spec.responses()
    if status in declared and (code is None or code in declared[status]):
        return
    count("UndeclaredStatus")
    logger().error(
        "undeclared status",
        extra={"path": spec.path, "method": spec.method, "status": status, "error_code": code},
    )


def _tell_refused(
    spec: RouteSpec, principal: Principal | None, params: dict[str, str], err: errors.DomainError
) -> None:
    hook = _REFUSED.get((spec.path, spec.method))
    if hook is None or principal is None or err.status not in (403, 404):
        return
    try:
        hook(principal, params, err)
    except Exception:  # the refusal is answered whatever happens to its record
        logger().exception("refusal hook failed", extra={"path": spec.path, "method": spec.method})
        count("RefusalHookFailed")


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
