"""OpenAPI 3.1 document generated from the declared routes and their pydantic models."""

from __future__ import annotations

import re
from typing import Any

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
_ERRORS = {
    "400": "Malformed request (e.g. malformed_json)",
    "401": "Missing, invalid or expired token",
    "403": "Role or scope does not allow this",
    "404": "Not found",
    "405": "Method not allowed",
    "413": "Body too large",
    "422": "Validation failed",
    "500": "Internal error",
}


def document(version: str = "1.0.0") -> dict[str, Any]:
    models = _models()
    _, defs = models_json_schema([(m, "serialization") for m in models], ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    schemas["Error"] = _ERROR_SCHEMA
    paths: dict[str, Any] = {}
    for spec in ROUTES:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "EMS platform API",
            "version": version,
            "description": "City-wide smart emergency medical services.",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "responses": {
                code: {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
                for code, text in _ERRORS.items()
            },
        },
    }


def _models() -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}
    for spec in ROUTES:
        for model in (spec.body, spec.response):
            if model is not None:
                seen[model.__name__] = model
    return list(seen.values())


def _operation(spec: RouteSpec) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": spec.summary,
        "operationId": spec.method.lower() + "_" + re.sub(r"[^A-Za-z0-9]+", "_", spec.path).strip("_"),
        "tags": list(spec.tags),
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _PARAM.findall(spec.path)
        ],
        "responses": {str(spec.status): _content(spec.response, "Success")},
    }
    if spec.query is not None:
        for name, field in spec.query.model_fields.items():
            wire = field.alias or name  # e.g. `from`, a Python keyword, as the field `start`
            op["parameters"].append(
                {
                    "name": wire,
                    "in": "query",
                    "required": field.is_required(),
                    "schema": _field_schema(spec.query, wire),
                }
            )
    if spec.body is not None:
        op["requestBody"] = {"required": True, **_content(spec.body, "")}
        del op["requestBody"]["description"]
    codes = ["500"]
    if spec.body is not None or spec.query is not None:
        codes += ["400", "413", "422"]
    if spec.roles is not None:
        op["security"] = [{"bearer": []}]
        op["x-roles"] = [r.value for r in spec.roles]
        codes += ["401", "403"]
    for code in sorted(set(codes)):
        op["responses"][code] = {"$ref": f"#/components/responses/{code}"}
    return op


def _content(model: type[BaseModel] | None, description: str) -> dict[str, Any]:
    if model is None:
        return {"description": description}
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
    }


def _field_schema(model: type[BaseModel], name: str) -> dict[str, Any]:
    props: dict[str, Any] = model.model_json_schema()["properties"]
    return props[name]  # type: ignore[no-any-return]


if __name__ == "__main__":
    import json

    import app  # noqa: F401  (registers every route)

    print(json.dumps(document(), ensure_ascii=False, indent=2))
