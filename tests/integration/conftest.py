"""Integration tests: moto in-process (started before any client exists), the real
Chalice app through chalice.test.Client, the real ASL run by moto's interpreter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from devstack import aws_calls, aws_resources, moto_atomic, strict_sfn, tokens
from devstack.lambda_adapter import LambdaAdapter, chalice_handlers
from iot_rules import CONSUMERS

PREFIX = "ems-test-"
REGION = "cn-northwest-1"


@dataclass
class FakePublisher:
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def publish(self, topic: str, payload: dict[str, Any], qos: int = 1) -> None:
        aws_calls.record("iot-data", "Publish", {"topic": topic})  # in AWS, the function's iot-data call
        self.sent.append((topic, payload))


@dataclass
class Env:
    state_dir: Path
    adapter: LambdaAdapter
    publisher: FakePublisher
    machines: dict[str, str]
    queues: dict[str, str]

    def token(self, role: str, scope: str | None = None, **kw: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens.issue(self.state_dir, role, scope, **kw)}"}


def _reset() -> None:
    from chalicelib.core import root

    root.reset()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Env]:
    from chalicelib.qr.keys import new_ring_json

    jwks = tokens.ensure_keys(tmp_path)
    (tmp_path / "qr-keys.json").write_text(new_ring_json("k1"), encoding="utf-8")
    for key, value in {
        "EMS_STAGE": "test",
        "EMS_TABLE_PREFIX": PREFIX,
        "EMS_JWKS_FILE": str(jwks),
        "EMS_JWT_ISSUER": tokens.ISSUER,
        "EMS_JWT_AUDIENCE": tokens.AUDIENCE,
        "EMS_QR_KEYS_FILE": str(tmp_path / "qr-keys.json"),
        "EMS_HEALTH_CACHE_S": "0",
        "EMS_PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        # Executions left waiting for a unit must not wake after their test: a test of
        # escalation lowers this for itself.
        "EMS_ESCALATE_AFTER_S": "3600",
        "EMS_FILES_BUCKET": f"{PREFIX}device-files",
        "EMS_DATA_KEY_ID": "alias/ems-test-data",
        "EMS_TELEMETRY_REJECTS_QUEUE": f"{PREFIX}telemetry-rejects",
        "EMS_IDENTITY_KEY": "test-identity-key-not-a-secret",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("EMS_AWS_ENDPOINT_URL", raising=False)
    config = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
    moto_atomic.install()  # concurrent executions claim units: writes must be atomic, as in DynamoDB
    strict_sfn.install()  # States.Runtime fails the execution, as on AWS: no Retry or Catch hides it
    with mock_aws(config=config):  # type: ignore[arg-type]
        _reset()
        import app as app_module
        from chalicelib.core.publisher import use_publisher

        handlers = chalice_handlers(app_module.app)
        adapter = LambdaAdapter(handlers, prefix=PREFIX)
        adapter.install()
        publisher = FakePublisher()
        use_publisher(publisher)  # type: ignore[arg-type]
        try:
            role = aws_resources.create_role(REGION)
            aws_resources.create_tables()
            queues = aws_resources.create_queues(PREFIX)
            # The URL, as the stacks configure it: the functions send there, they do not look queues up.
            monkeypatch.setenv("EMS_TELEMETRY_REJECTS_QUEUE", queues[CONSUMERS["device-telemetry"].rejects])
            aws_resources.create_buckets()
            functions = aws_resources.create_functions(sorted(handlers), PREFIX, role)
            machines = aws_resources.create_state_machines(REGION, functions, role, PREFIX)
            monkeypatch.setenv("EMS_STATE_MACHINES", json.dumps(machines))
            _reset()
            yield Env(tmp_path, adapter, publisher, machines, queues)
        finally:
            use_publisher(None)
            adapter.uninstall()
            _reset()


@pytest.fixture
def client(aws_env: Env) -> Iterator[Any]:
    from chalice.test import Client

    import app as app_module

    with Client(app_module.app) as c:
        yield c
