"""The stack starts, is healthy, and stops cleanly: no port left open, exit code 0."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.e2e.conftest import port_open, start_devstack


def test_stack_starts_healthy_and_stops_cleanly(tmp_path: Path) -> None:
    stack = start_devstack(tmp_path, "--no-seed")
    try:
        resp = requests.get(f"{stack.api}/health", timeout=10)
        assert resp.status_code == 200, resp.text
        assert {c: v["status"] for c, v in resp.json()["components"].items()} == {
            "dynamodb": "ok",
            "stepfunctions": "ok",
            "mqtt": "ok",
        }
        printed = "".join(stack.output)
        assert "Try it" in printed and "curl" in printed
        assert (tmp_path / "stack.json").exists()
    finally:
        code = stack.stop()
    assert code == 0, "".join(stack.output[-30:])
    for port in (stack.api_port, stack.moto_port, stack.mqtt_port):
        assert not port_open(port), f"port {port} still open after stop"
    assert not (tmp_path / "stack.json").exists()
