"""The running stack holds what a user does to it: a burst of 50 concurrent clients is served with
no connection error and no 5xx, and the console keeps to the banner while the JSON lines, metrics
and request lines go to the log file."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Devstack, scaled, start_devstack

CLIENTS, PER_CLIENT = 50, 4


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Devstack]:
    started = start_devstack(tmp_path_factory.mktemp("burst"), "--no-seed", canary_interval=600)
    yield started
    started.stop()


def _burst(port: int, token: str) -> tuple[list[int], list[str]]:
    statuses: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()
    go = threading.Barrier(CLIENTS)

    def client() -> None:
        go.wait(timeout=scaled(30))
        for i in range(PER_CLIENT):
            path, headers = ("/v1/health", {}) if i % 2 == 0 else ("/v1/me", {"Authorization": token})
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=scaled(60))
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                with lock:
                    statuses.append(resp.status)
            except OSError as exc:  # reset, refused, timed out
                with lock:
                    failures.append(f"{path}: {type(exc).__name__}: {exc}")
            finally:
                conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=scaled(120))
    return statuses, failures


def test_a_burst_of_50_concurrent_clients_gets_no_connection_error_and_no_5xx(stack: Devstack) -> None:
    # Given a dispatcher's token, and 50 clients released at once, each on fresh connections
    token = stack.token("dispatcher")["Authorization"]

    # When they all call the health check and an authenticated route
    statuses, failures = _burst(stack.api_port, token)

    # Then every request is answered, none with a server error
    assert failures == []
    assert len(statuses) == CLIENTS * PER_CLIENT
    assert [s for s in statuses if s >= 500] == []
    assert set(statuses) == {200}


def test_the_console_keeps_the_banner_and_the_log_file_has_the_json_and_request_lines(stack: Devstack) -> None:
    # Given the stack has served requests (the burst, the health checks of its start)
    log_file = Path(stack.state_dir) / "logs" / "api.log"

    # Then the console printed the banner and no JSON line or metric blob
    console = "".join(stack.output)
    assert "READY" in console and "Try it" in console
    assert not [line for line in stack.output if line.lstrip().startswith("{")]
    assert "logs/api.log" in console

    # And the log file has the request lines and JSON records
    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert any('"GET /v1/health HTTP/1.1" 200' in line for line in lines)
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert records, "no JSON line reached the log file"
