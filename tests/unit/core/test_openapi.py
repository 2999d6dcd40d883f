"""docs/openapi.json is generated from the routes; it must never go stale."""

from __future__ import annotations

import json
from pathlib import Path

import app as app_module
from chalicelib.openapi import document

DOC = Path(__file__).parents[3] / "docs" / "openapi.json"


def test_committed_document_matches_the_routes() -> None:
    assert json.loads(DOC.read_text(encoding="utf-8")) == document(), "run `make openapi`"


def test_every_declared_route_is_documented_with_its_error_responses() -> None:
    doc = document()
    for path, entry in app_module.app.routes.items():
        for method, view in entry.items():
            if view.view_name.startswith("not_allowed_"):
                continue
            op = doc["paths"][path][method.lower()]
            assert "500" in op["responses"]
            if op.get("security"):
                assert {"401", "403"} <= set(op["responses"])
