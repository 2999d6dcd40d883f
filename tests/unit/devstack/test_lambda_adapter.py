"""The devstack's Lambda adapter: name resolution and Lambda's error contract."""

from __future__ import annotations

from typing import Any

from devstack.lambda_adapter import LambdaAdapter, short_name


def test_short_name_accepts_names_and_arns() -> None:
    assert short_name("ems-local-canary_probe", "ems-local-") == "canary_probe"
    arn = "arn:aws-cn:lambda:cn-northwest-1:123456789012:function:ems-local-canary_probe"
    assert short_name(arn, "ems-local-") == "canary_probe"
    assert short_name(arn + ":$LATEST", "ems-local-") == "canary_probe"


def test_call_passes_event_and_context_and_returns_result() -> None:
    seen: dict[str, Any] = {}

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen["event"], seen["context"] = event, context
        return {"ok": True}

    adapter = LambdaAdapter({"h": handler}, prefix="p-")
    assert adapter.call("p-h", {"a": 1}) == (True, {"ok": True})
    assert seen["event"] == {"a": 1}
    assert seen["context"].function_name == "p-h"
    assert 0 < seen["context"].get_remaining_time_in_millis() <= 30_000


def test_exception_becomes_lambda_error_payload() -> None:
    def handler(event: dict[str, Any], context: Any) -> None:
        raise KeyError("boom")

    adapter = LambdaAdapter({"h": handler}, prefix="")
    ok, payload = adapter.call("h", {})
    assert not ok
    assert payload["errorType"] == "KeyError" and "boom" in payload["errorMessage"]
    assert adapter.invocations == [("h", False)]


def test_unknown_function_is_an_error_not_a_silent_success() -> None:
    ok, payload = LambdaAdapter({}, prefix="").call("missing", {})
    assert not ok and payload["errorType"] == "ResourceNotFoundException"
