"""The API as a client sees it: error format, auth, health, audit, OpenAPI."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.core.auth import Role
from chalicelib.platform import routes
from tests.integration.conftest import Env

JSON = {"Content-Type": "application/json"}


def _error(resp: Any) -> dict[str, Any]:
    body = json.loads(resp.body)
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def test_health_is_503_until_canary_and_mqtt_heartbeat_then_ok(client: Any, aws_env: Env) -> None:
    # Given a fresh stack with no canary run yet
    resp = client.http.get("/v1/health")
    assert resp.status_code == 503
    body = json.loads(resp.body)
    assert body["components"]["dynamodb"]["status"] == "ok"
    assert body["components"]["stepfunctions"]["status"] == "failing"
    # When the canary runs and its MQTT heartbeat comes back through the rule handler
    routes.canary_probe.domain_function({"execution": "canary-1", "started_at": "2026-11-25T00:00:00Z"})
    topic, payload = aws_env.publisher.sent[-1]
    routes.on_platform_heartbeat.domain_function({**payload, "topic": topic})
    # Then health is ok with every component
    resp = client.http.get("/v1/health")
    assert resp.status_code == 200, resp.body
    body = json.loads(resp.body)
    assert body["status"] == "ok"
    assert set(body["components"]) == {"dynamodb", "stepfunctions", "mqtt"}


def test_wrong_method_is_405_in_error_format(client: Any) -> None:
    resp = client.http.delete("/v1/health")
    assert resp.status_code == 405
    assert _error(resp)["code"] == "method_not_allowed"
    assert resp.headers["Allow"] == "GET"


def test_missing_token_is_401(client: Any) -> None:
    resp = client.http.get("/v1/me")
    assert resp.status_code == 401
    assert _error(resp)["code"] == "missing_token"


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-jwt", "Basic abc", "Bearer", "bearer x.y.z"],
)
def test_invalid_token_is_401(client: Any, header: str) -> None:
    resp = client.http.get("/v1/me", headers={"Authorization": header})
    assert resp.status_code == 401
    assert _error(resp)["code"] == "invalid_token"


def test_expired_token_is_401(client: Any, aws_env: Env) -> None:
    resp = client.http.get("/v1/me", headers=aws_env.token("admin", ttl_s=-120))
    assert resp.status_code == 401
    assert _error(resp)["code"] == "token_expired"


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_is_recognised(client: Any, aws_env: Env, role: str) -> None:
    resp = client.http.get("/v1/me", headers=aws_env.token(role))
    assert resp.status_code == 200
    assert json.loads(resp.body)["role"] == role


def test_scope_is_carried(client: Any, aws_env: Env) -> None:
    resp = client.http.get("/v1/me", headers=aws_env.token("dispatcher", "county:350602"))
    assert json.loads(resp.body)["scopes"] == ["county:350602"]


@pytest.mark.parametrize("role", ["caller", "dispatcher", "crew", "hospital", "volunteer"])
def test_role_that_does_not_fit_is_403(client: Any, aws_env: Env, role: str) -> None:
    resp = client.http.get("/v1/audit?subject=incident:1", headers=aws_env.token(role))
    assert resp.status_code == 403
    assert _error(resp)["code"] == "role_denied"


def test_audit_read_is_itself_audited(client: Any, aws_env: Env) -> None:
    headers = aws_env.token("admin")
    client.http.get("/v1/audit?subject=incident:7", headers=headers)
    resp = client.http.get("/v1/audit?subject=incident:7", headers=headers)
    assert resp.status_code == 200
    events = json.loads(resp.body)["events"]
    assert len(events) == 2 and {e["action"] for e in events} == {"audit.read"}


def test_bad_query_is_422_with_fields(client: Any, aws_env: Env) -> None:
    resp = client.http.get("/v1/audit?limit=9999", headers=aws_env.token("admin"))
    assert resp.status_code == 422
    fields = {d["field"] for d in _error(resp)["details"]}
    assert fields == {"subject", "limit"}


def test_malformed_json_is_400(client: Any, aws_env: Env) -> None:
    resp = client.http.post(
        "/v1/platform/canary-runs", headers={**JSON, **aws_env.token("admin")}, body=b'{"checks": ['
    )
    assert resp.status_code == 400
    assert _error(resp)["code"] == "malformed_json"


def test_oversize_body_is_413(client: Any, aws_env: Env) -> None:
    body = json.dumps({"checks": ["mqtt"], "pad": "x" * 300_000})
    resp = client.http.post("/v1/platform/canary-runs", headers={**JSON, **aws_env.token("admin")}, body=body)
    assert resp.status_code == 413
    assert _error(resp)["code"] == "payload_too_large"


def test_invalid_body_is_422_and_does_not_echo_values(client: Any, aws_env: Env) -> None:
    body = json.dumps({"checks": ["13912345678"]})
    resp = client.http.post("/v1/platform/canary-runs", headers={**JSON, **aws_env.token("admin")}, body=body)
    assert resp.status_code == 422
    assert "13912345678" not in resp.body.decode()


def test_wrong_content_type_is_415(client: Any, aws_env: Env) -> None:
    resp = client.http.post(
        "/v1/platform/canary-runs", headers={"Content-Type": "text/plain", **aws_env.token("admin")}, body=b"hi"
    )
    assert resp.status_code == 415
    assert _error(resp)["code"] == "unsupported_media_type"


def test_manual_canary_run_starts_an_execution(client: Any, aws_env: Env) -> None:
    body = json.dumps({"checks": ["dynamodb"]})
    resp = client.http.post("/v1/platform/canary-runs", headers={**JSON, **aws_env.token("admin")}, body=body)
    assert resp.status_code == 202, resp.body
    assert json.loads(resp.body)["execution_arn"].startswith("arn:aws-cn:states:cn-northwest-1:")


def test_openapi_lists_every_route(client: Any) -> None:
    import app as app_module

    doc = json.loads(client.http.get("/v1/openapi.json").body)
    assert doc["openapi"].startswith("3.1")
    for path, entry in app_module.app.routes.items():
        declared = {m.lower() for m, view in entry.items() if not view.view_name.startswith("not_allowed_")}
        assert declared <= set(doc["paths"].get(path, {})), path


def test_refused_token_emits_an_emf_metric(client: Any, capsys: pytest.CaptureFixture[str]) -> None:
    client.http.get("/v1/me", headers={"Authorization": "Bearer nope"})
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    metrics = [m for doc in emf for d in doc["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]]
    assert {"Name": "AuthRejected", "Unit": "Count"} in metrics
    assert emf[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "EMS"
