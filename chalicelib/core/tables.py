"""Single source of truth for DynamoDB tables.

Every table is a PynamoDB model in its domain's `dal.py`, registered here on import. The runtime binds the physical
table names lazily (prefix + logical name, endpoint for the local stack); CDK and
the devstack derive the table definitions (keys, GSIs, TTL) from the same models.
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from pynamodb.models import Model

from chalicelib.core.root import on_reset

M = TypeVar("M", bound=Model)
_REGISTRY: dict[str, type[Model]] = {}
_bound: set[str] = set()
_lock = threading.Lock()


def register(model: type[M]) -> type[M]:
    """Class decorator: `Meta.table_name` is the logical name ("audit")."""
    logical = model.Meta.table_name
    model.Meta.logical_name = logical  # type: ignore[attr-defined]
    _REGISTRY[logical] = model
    return model


def ttl_attribute(model: type[Model]) -> str | None:
    """Name of the model's TTL attribute as stored in DynamoDB, if it has one."""
    for attr in model.get_attributes().values():
        if type(attr).__name__ == "TTLAttribute":
            return str(attr.attr_name)
    return None


def registered() -> list[type[Model]]:
    """The models registered so far (`chalicelib.tables.all_models()` imports every domain's first)."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def logical_name(model: type[Model]) -> str:
    return str(model.Meta.logical_name)  # type: ignore[attr-defined]


def bind(model: type[M], *, prefix: str, region: str, host: str | None) -> type[M]:
    """Point a model at its physical table (idempotent, thread-safe)."""
    logical = logical_name(model)
    with _lock:
        if logical not in _bound:
            model.Meta.table_name = f"{prefix}{logical}"
            model.Meta.region = region
            model.Meta.host = host
            _bound.add(logical)
    return model


def bound(model: type[M]) -> type[M]:
    from chalicelib.core.config import get_settings

    s = get_settings()
    return bind(model, prefix=s.table_prefix, region=s.region, host=s.aws_endpoint_url)


@on_reset
def reset_bindings() -> None:
    """Tests only: forget bindings so a new prefix/endpoint takes effect."""
    with _lock:
        for logical in _bound:
            model = _REGISTRY[logical]
            model.Meta.table_name = logical
            model._connection = None
        _bound.clear()


def schema(model: type[Model]) -> dict[str, Any]:
    """Key schema, attribute definitions and GSIs in DynamoDB's own vocabulary."""
    return dict(model._get_schema())
