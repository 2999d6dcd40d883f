"""End-to-end: a real `python -m devstack up` process on free loopback ports."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
# One factor for every wait of the e2e suite: a busy or slow machine sets EMS_TEST_TIMEOUT_SCALE=3.
TIMEOUT_SCALE = max(1.0, float(os.environ.get("EMS_TEST_TIMEOUT_SCALE", "1") or 1))


def scaled(seconds: float) -> float:
    """A timeout or wait of the e2e suite, stretched by EMS_TEST_TIMEOUT_SCALE."""
    return seconds * TIMEOUT_SCALE


def wait_until(check: Any, timeout: float, interval: float = 0.2) -> Any:
    """Poll `check()` until it returns something truthy, for `timeout` (scaled) seconds; the last value."""
    deadline = time.monotonic() + scaled(timeout)
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = check()
    return value


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Devstack:
    proc: subprocess.Popen[str]
    state_dir: Path
    api_port: int
    moto_port: int
    mqtt_port: int
    output: list[str] = field(default_factory=list)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}/v1"

    def cli(self, *args: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "devstack", *args, "--state-dir", str(self.state_dir)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=scaled(120),
        )
        return out.stdout

    def token(self, role: str, scope: str | None = None) -> dict[str, str]:
        args = ["token", role] + (["--scope", scope] if scope else [])
        return {"Authorization": "Bearer " + self.cli(*args).strip().splitlines()[-1]}

    def aws(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{self.moto_port}", region_name="cn-northwest-1")

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=scaled(timeout))


def start_devstack(
    tmp: Path, *extra: str, canary_interval: float = 2, timeout: float = 180, simulator: bool = False
) -> Devstack:
    """`simulator` off by default: tests assert exact unit statuses, which simulated crews would move on."""
    ports = {"api": free_port(), "moto": free_port(), "mqtt": free_port(), "his": free_port()}
    cmd = [
        sys.executable,
        "-m",
        "devstack",
        "up",
        "--state-dir",
        str(tmp),
        "--api-port",
        str(ports["api"]),
        "--moto-port",
        str(ports["moto"]),
        "--mqtt-port",
        str(ports["mqtt"]),
        "--his-port",
        str(ports["his"]),
        "--canary-interval",
        str(canary_interval),
        *([] if simulator else ["--no-simulator"]),
        *extra,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stack = Devstack(proc, tmp, ports["api"], ports["moto"], ports["mqtt"])
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            stack.output.append(line)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + scaled(timeout)
    while time.monotonic() < deadline:
        try:
            if lines.get(timeout=1).startswith("READY"):
                return stack
        except queue.Empty:
            if proc.poll() is not None:
                break
    stack.stop(timeout=10) if proc.poll() is None else None
    raise AssertionError("devstack did not become ready:\n" + "".join(stack.output[-60:]))


@pytest.fixture(scope="session", autouse=True)
def _scaled_http_timeouts() -> Iterator[None]:
    """Every `requests` timeout of the e2e suite stretched by the same factor as the waits."""
    if TIMEOUT_SCALE == 1.0:
        yield
        return
    original = requests.Session.request

    def request(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        if isinstance(kwargs.get("timeout"), int | float):
            kwargs["timeout"] = scaled(kwargs["timeout"])
        return original(self, method, url, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.Session, "request", request)
        yield


@pytest.fixture(scope="session")
def devstack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Devstack]:
    # The canary runs once at start; a long interval keeps it from overwriting what tests look for.
    # The city's two thrombectomy centres: HOS01 is full and declines offers, HOS02 accepts.
    stack = start_devstack(
        tmp_path_factory.mktemp("devstack"), "--addresses", "300", "--volunteers", "50",
        "--his", "HOS01=decline,*=accept", canary_interval=600,
    )  # fmt: skip
    yield stack
    stack.stop()
