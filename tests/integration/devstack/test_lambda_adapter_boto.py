"""Through boto3 and moto's Lambda API: the adapter answers invoke like Lambda does."""

from __future__ import annotations

import json

from chalicelib.core.aws import client
from tests.integration.conftest import PREFIX, Env


def test_invoke_reaches_the_handler(aws_env: Env) -> None:
    resp = client("lambda").invoke(
        FunctionName=f"{PREFIX}on_platform_heartbeat",
        Payload=json.dumps({"source": "test", "sent_at": "2026-11-25T00:00:00Z", "seq": "7"}).encode(),
    )
    assert "FunctionError" not in resp
    assert json.loads(resp["Payload"].read()) == {"component": "mqtt", "source": "test:7"}


def test_handler_exception_is_a_function_error(aws_env: Env) -> None:
    resp = client("lambda").invoke(FunctionName=f"{PREFIX}on_platform_heartbeat", Payload=b'{"seq": 1}')
    assert resp["FunctionError"] == "Unhandled"
    payload = json.loads(resp["Payload"].read())
    assert payload["errorType"] == "InvalidEvent"
    assert "sent_at" in payload["errorMessage"] and "source" in payload["errorMessage"]
