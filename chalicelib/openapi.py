"""OpenAPI 3.1 document generated from the declared routes and their pydantic models."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.core.http import ROUTES, RouteSpec

_PARAM = re.compile(r"\{([^}+]+)\+?\}")
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {}},
        }
    },
}
_TEXT = {
    400: "Malformed request",
    401: "Missing, invalid or expired token",
    403: "Role or scope does not allow this",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "Body too large",
    415: "Body is not JSON",
    422: "Validation failed",
    429: "Too many requests",
    500: "Internal error",
    502: "An upstream system failed",
    503: "A dependency is unavailable",
}
_ERROR_REF = "#/components/schemas/Error"
_Key = tuple[type[BaseModel], Literal["validation", "serialization"]]


def document(version: str = "1.0.0") -> dict[str, Any]:
    keys = _model_keys()
    refs, defs = models_json_schema(keys, ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    schemas["Error"] = _ERROR_SCHEMA
    paths: dict[str, Any] = {}
    for spec in ROUTES:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "EMS platform API",
            "version": version,
            "description": "City-wide smart emergency medical services. Every failure is "
            '`{"error": {"code", "message"}}`; each operation lists the statuses it can answer and, '
            "per status, its machine-readable error codes (`x-error-codes`, also the enum of `error.code`).",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "callerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The caller_token that POST /v1/calls returned, for that call only",
                },
            },
        },
    }


def _model_keys() -> list[_Key]:
    """Request models as validated, responses as serialised: each schema says what the wire carries."""
    keys: dict[_Key, None] = {}
    for spec in ROUTES:
        for model, mode in ((spec.body, "validation"), (spec.query, "validation"), (spec.response, "serialization")):
            if model is not None:
                keys[(model, mode)] = None  # type: ignore[index]
    return list(keys)


def _operation(spec: RouteSpec, refs: dict[Any, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": spec.summary,
        "operationId": spec.method.lower() + "_" + re.sub(r"[^A-Za-z0-9]+", "_", spec.path).strip("_"),
        "tags": list(spec.tags),
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _PARAM.findall(spec.path)
        ],
    }
    if spec.description:
        op["description"] = spec.description
    success = _success(spec, refs)
    op["responses"] = {str(spec.status): success}
    if spec.query is not None:
        query = schemas[_ref_name(refs[(spec.query, "validation")])]
        required = set(query.get("required", ()))
        for wire, schema in query.get("properties", {}).items():  # wire names: aliases such as `from`
            op["parameters"].append({"name": wire, "in": "query", "required": wire in required, "schema": schema})
    if spec.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(spec.body, "validation")]}},
        }
    if spec.roles is not None:
        op["security"] = [{"bearer": []}]
        op["x-roles"] = [r.value for r in spec.roles]
    elif spec.caller_token:
        op["security"] = [{"callerToken": []}]
    for status, codes in spec.responses().items():
        op["responses"][str(status)] = _error(status, codes, spec, success)
    return op


def _success(spec: RouteSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    if spec.response is not None:
        schema: dict[str, Any] = refs[(spec.response, "serialization")]
    elif "json" in spec.media_type:
        schema = {"type": "object"}
    else:
        schema = {"type": "string"}
    return {"description": "Success", "content": {spec.media_type: {"schema": schema}}}


def _error(status: int, codes: tuple[str, ...], spec: RouteSpec, success: dict[str, Any]) -> dict[str, Any]:
    text = _TEXT.get(status, "Error")
    if not codes:
        # Declared without codes: the operation answers this status with its success body (health 503, ...).
        return {**success, "description": f"{text}: the same body as on success"}
    schema = {
        "allOf": [{"$ref": _ERROR_REF}],
        "properties": {"error": {"properties": {"code": {"enum": list(codes)}}}},
    }
    return {
        "description": f"{text}: " + ", ".join(f"`{c}`" for c in codes),
        "content": {"application/json": {"schema": schema}},
        "x-error-codes": list(codes),
    }


def _ref_name(ref: dict[str, Any]) -> str:
    return str(ref["$ref"]).rsplit("/", 1)[-1]


if __name__ == "__main__":
    import json

    import app  # noqa: F401  (registers every route)

    print(json.dumps(document(), ensure_ascii=False, indent=2))
