"""No logger key of one invocation reaches another's lines: not the next invocation on the same
thread (the devstack runs every function in one process), not a concurrent one on another thread."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import pytest

from chalicelib.core import lambdas
from chalicelib.core.lambdas import lambda_entry
from chalicelib.core.observability import append_keys, bind_correlation_id, end_invocation, logger


class Lines:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def __getitem__(self, message: str) -> dict[str, Any]:
        parsed = (json.loads(line) for line in self.stream.getvalue().splitlines() if line.strip())
        return next(line for line in parsed if line["message"] == message)


@pytest.fixture
def lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[Lines]:
    monkeypatch.setattr(lambdas, "traced", lambda *_: nullcontext())  # no X-Ray daemon in a unit test
    log = logger()
    captured = Lines()
    previous = log.registered_handler.setStream(captured.stream)  # type: ignore[attr-defined]
    try:
        yield captured
    finally:
        log.registered_handler.setStream(previous)  # type: ignore[attr-defined]
        end_invocation()


def test_keys_appended_in_one_invocation_are_not_on_the_next_ones_lines(lines: Lines) -> None:
    # Given an invocation that appends the incident it works on
    def register(event: dict[str, Any]) -> None:
        append_keys(incident_id=event["incident_id"])
        logger().info("registered")

    def probe(event: dict[str, Any]) -> None:
        logger().info("probed")

    # When another function runs next on the same thread, and then an API-style invocation
    lambda_entry(register, {"incident_id": "INC1", "correlation_id": "corr-a"}, None)
    lambda_entry(probe, {}, None)
    bind_correlation_id("corr-http")
    logger().info("served")
    end_invocation()
    logger().info("between invocations")

    # Then each line carries its own invocation's keys only
    registered = lines["registered"]
    assert (registered["incident_id"], registered["correlation_id"]) == ("INC1", "corr-a")
    probed = lines["probed"]
    assert "incident_id" not in probed and probed["correlation_id"] == "local" and probed["function"] == "probe"
    served = lines["served"]
    assert served["correlation_id"] == "corr-http" and "incident_id" not in served and "function" not in served
    between = lines["between invocations"]
    assert not {"incident_id", "correlation_id", "function"} & between.keys()


def test_concurrent_invocations_on_two_threads_keep_their_own_correlation_ids(lines: Lines) -> None:
    # Given two requests served at once, each binding its id and then waiting for the other
    both_bound = threading.Barrier(2)

    def serve(correlation_id: str) -> None:
        bind_correlation_id(correlation_id)
        both_bound.wait(timeout=5)
        logger().info(f"served {correlation_id}")
        end_invocation()

    # When both log after both have bound
    threads = [threading.Thread(target=serve, args=(c,)) for c in ("corr-1", "corr-2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)

    # Then neither line carries the other's id
    assert lines["served corr-1"]["correlation_id"] == "corr-1"
    assert lines["served corr-2"]["correlation_id"] == "corr-2"


def test_the_devstack_lambda_adapter_starts_every_invocation_without_the_previous_ones_keys(lines: Lines) -> None:
    from devstack.lambda_adapter import LambdaAdapter

    # Given a raw handler (no lambda_entry) that appends a key and never removes it
    def leaky(event: dict[str, Any], context: Any) -> None:
        append_keys(incident_id="INC-LEAK", correlation_id="corr-leak")
        logger().info("leaky")

    def next_one(event: dict[str, Any], context: Any) -> None:
        logger().info("next one")

    adapter = LambdaAdapter({"leaky": leaky, "next_one": next_one}, prefix="ems-test-")

    # When both run one after the other on one thread, as the SQS poller runs batches
    assert adapter.call("ems-test-leaky", {})[0]
    assert adapter.call("ems-test-next_one", {})[0]

    # Then the second invocation's line carries nothing of the first
    assert lines["leaky"]["incident_id"] == "INC-LEAK"
    assert not {"incident_id", "correlation_id"} & lines["next one"].keys()
