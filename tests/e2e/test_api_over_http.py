"""The API over real HTTP against the running devstack."""

from __future__ import annotations

import json

import pytest
import requests

from tests.e2e.conftest import Devstack


def _code(resp: requests.Response) -> str:
    body = resp.json()
    assert set(body) == {"error"}
    return str(body["error"]["code"])


def test_health_ok(devstack: Devstack) -> None:
    resp = requests.get(f"{devstack.api}/health", timeout=10)
    assert resp.status_code == 200 and resp.json()["status"] == "ok"
    assert resp.headers["X-Correlation-Id"]


def test_correlation_id_is_echoed(devstack: Devstack) -> None:
    resp = requests.get(f"{devstack.api}/health", headers={"X-Correlation-Id": "abc-123"}, timeout=10)
    assert resp.headers["X-Correlation-Id"] == "abc-123"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/nowhere", 404, "not_found"),
        ("GET", "/v1/nowhere", 404, "not_found"),
        ("GET", "/v1/health/extra/deep", 404, "not_found"),
        ("DELETE", "/v1/health", 405, "method_not_allowed"),
        ("GET", "/v1/me", 401, "missing_token"),
    ],
)
def test_errors_have_one_format(devstack: Devstack, method: str, path: str, status: int, code: str) -> None:
    resp = requests.request(method, f"http://127.0.0.1:{devstack.api_port}{path}", timeout=10)
    assert resp.status_code == status
    assert _code(resp) == code


def test_body_errors(devstack: Devstack) -> None:
    headers = {**devstack.token("admin"), "Content-Type": "application/json"}
    url = f"{devstack.api}/platform/canary-runs"
    assert _code(requests.post(url, data=b"{nope", headers=headers, timeout=10)) == "malformed_json"
    big = json.dumps({"checks": ["mqtt"], "pad": "x" * 400_000})
    resp = requests.post(url, data=big, headers=headers, timeout=10)
    assert resp.status_code == 413 and _code(resp) == "payload_too_large"
    resp = requests.post(url, data=b'{"checks": []}', headers=headers, timeout=10)
    assert resp.status_code == 422 and _code(resp) == "validation_failed"


def test_tokens_from_the_cli_carry_role_and_scope(devstack: Devstack) -> None:
    resp = requests.get(f"{devstack.api}/me", headers=devstack.token("crew", "unit:ZZ-A01"), timeout=10)
    assert resp.status_code == 200
    assert resp.json()["role"] == "crew" and resp.json()["scopes"] == ["unit:ZZ-A01"]
    resp = requests.get(f"{devstack.api}/audit?subject=x", headers=devstack.token("dispatcher"), timeout=10)
    assert resp.status_code == 403 and _code(resp) == "role_denied"


def test_openapi_served(devstack: Devstack) -> None:
    doc = requests.get(f"{devstack.api}/openapi.json", timeout=10).json()
    assert "/v1/health" in doc["paths"] and doc["openapi"] == "3.1.0"


def test_fixtures_describe_the_seed(devstack: Devstack) -> None:
    fixtures = json.loads(devstack.cli("fixtures", "--addresses", "300"))
    assert len(fixtures["counties"]) == 11
    assert len(fixtures["units"]) == 34 and len(fixtures["hospitals"]) == 17
    assert len(fixtures["addresses"]) >= 50
    assert {a["county"] for a in fixtures["addresses"]} == {c["code"] for c in fixtures["counties"]}
