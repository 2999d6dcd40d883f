"""The API contract: the generated document validates, every $ref resolves, every operation lists
the statuses it can answer with their error codes, and a route answering anything else is flagged."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import pytest
from chalice import Chalice
from chalice.test import Client
from openapi_spec_validator import OpenAPIV31SpecValidator

import app as app_module  # noqa: F401  (registers every route)
from chalicelib.core import errors, http
from chalicelib.core.auth import Role
from chalicelib.core.http import ROUTES, Ctx, route
from chalicelib.openapi import document


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


def test_the_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    problems = [str(e).splitlines()[0] for e in OpenAPIV31SpecValidator(doc).iter_errors()]
    assert problems == []


def test_every_ref_resolves_under_components(doc: dict[str, Any]) -> None:
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(doc)))
    assert refs, "the document uses references"
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[-1] in doc["components"]["schemas"], ref
    assert "$defs" not in json.dumps(doc)


def test_every_error_status_lists_its_codes_as_the_enum_of_error_code(doc: dict[str, Any]) -> None:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for status, resp in op["responses"].items():
                if status.startswith("2") or "x-error-codes" not in resp:
                    continue
                schema = resp["content"]["application/json"]["schema"]
                enum = schema["properties"]["error"]["properties"]["code"]["enum"]
                assert enum == resp["x-error-codes"] and enum, (method, path, status)
                assert all(f"`{c}`" in resp["description"] for c in enum)


def test_statuses_follow_from_the_declaration(doc: dict[str, Any]) -> None:
    # Given a route with a role, a body and path parameters
    op = doc["paths"]["/v1/units/{unit_id}/status"]["post"]
    # Then auth, body and its own rules are all documented
    assert {"400", "401", "403", "404", "409", "413", "415", "422", "500"} <= set(op["responses"])
    assert "illegal_transition" in op["responses"]["409"]["x-error-codes"]
    assert op["responses"]["401"]["x-error-codes"][:3] == ["missing_token", "invalid_token", "token_expired"]


def test_caller_token_routes_document_their_own_token(doc: dict[str, Any]) -> None:
    op = doc["paths"]["/v1/calls/{call_id}"]["get"]
    assert op["security"] == [{"callerToken": []}]
    assert "invalid_caller_token" in op["responses"]["401"]["x-error-codes"]
    assert "call_not_found" in op["responses"]["404"]["x-error-codes"]
    assert "rate_limited" in doc["paths"]["/v1/calls"]["post"]["responses"]["429"]["x-error-codes"]


def test_query_parameters_reference_components(doc: dict[str, Any]) -> None:
    params = {p["name"]: p for p in doc["paths"]["/v1/units"]["get"]["parameters"]}
    assert "#/components/schemas/UnitStatus" in json.dumps(params["status"]["schema"])


def test_every_operation_documents_a_lookup_miss_where_its_path_names_something() -> None:
    # A path parameter names something looked up; the public call page and the HTML/SVG renders aside,
    # its miss is part of the contract.
    for spec in ROUTES:
        if "{" in spec.path and spec.path != "/q/{token}":
            assert 404 in spec.responses() or 403 in spec.responses(), (spec.method, spec.path)


def test_non_json_success_bodies_are_typed(doc: dict[str, Any]) -> None:
    assert (
        "image/svg+xml"
        in doc["paths"]["/v1/incidents/{incident_id}/portrait.svg"]["get"]["responses"]["200"]["content"]
    )
    page = doc["paths"]["/q/{token}"]["get"]["responses"]
    assert "text/html" in page["200"]["content"] and "text/html" in page["400"]["content"]


def _tiny_app(monkeypatch: pytest.MonkeyPatch) -> tuple[Chalice, list[str]]:
    counted: list[str] = []
    monkeypatch.setattr(http, "count", lambda name, value=1: counted.append(name))
    monkeypatch.setattr(http, "ROUTES", [])
    # No tracer or metrics daemon in unit tests (sockets are blocked).
    monkeypatch.setattr(http, "traced", lambda name, correlation_id: contextlib.nullcontext())
    monkeypatch.setattr(http, "flush_metrics", lambda: None)
    tiny = Chalice("contract-test")

    @route(tiny, "/things/{thing_id}", "GET", summary="t", roles=None, errors={404: ("thing_not_found",)})
    def get_thing(ctx: Ctx) -> dict[str, str]:
        """A thing: 404 thing_not_found for an unknown id, 409 for a busy one (undeclared on purpose)."""
        if ctx.params["thing_id"] == "busy":
            raise errors.Conflict("busy", code="thing_busy")
        if ctx.params["thing_id"] == "odd":
            raise errors.NotFound("odd", code="odd_code")
        if ctx.params["thing_id"] == "none":
            raise errors.NotFound("nope", code="thing_not_found")
        return {"id": ctx.params["thing_id"]}

    return tiny, counted


def test_an_undeclared_status_or_code_is_counted_and_a_declared_one_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    tiny, counted = _tiny_app(monkeypatch)
    with Client(tiny) as client:
        assert client.http.get("/things/a").status_code == 200
        assert client.http.get("/things/none").status_code == 404
        assert counted == []
        assert client.http.get("/things/busy").status_code == 409
        assert counted == ["UndeclaredStatus"]
        assert client.http.get("/things/odd").status_code == 404
        assert counted == ["UndeclaredStatus", "UndeclaredStatus"]


def test_the_view_docstring_is_the_operation_description(monkeypatch: pytest.MonkeyPatch) -> None:
    _tiny_app(monkeypatch)
    (spec,) = http.ROUTES
    assert spec.description and spec.description.startswith("A thing: 404 thing_not_found")
    assert spec.responses() == {404: ("thing_not_found",), 500: ("internal_error",)}


def test_derived_statuses_for_a_protected_route_with_a_body() -> None:
    spec = next(s for s in ROUTES if (s.method, s.path) == ("POST", "/v1/volunteers"))
    assert spec.roles == (Role.ADMIN,)
    got = spec.responses()
    assert got[409] == ("volunteer_exists",)
    assert set(got) == {400, 401, 403, 409, 413, 415, 422, 500}
