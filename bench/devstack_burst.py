"""A burst of concurrent clients on the devstack's API: connections held, requests lost, latency.

`python -m devstack up` runs in a child process (as a developer runs it); this process plays the
clients. Every client opens a fresh connection per request (the worst case for the listen
backlog) and alternates `GET /v1/health` with `GET /v1/me` under a dispatcher's token. The
baseline is the same requests from one client, in the same run; figures are reported as ratios.
A request is lost when its connection fails or it is answered 5xx.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from report import pct, write_section  # bench/ is on the path when run as a script

ROOT = Path(__file__).resolve().parents[1]
PATHS = ("/v1/health", "/v1/me")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Result:
    clients: int
    latencies: list[float] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    clients_served: int = 0
    wall_s: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.lost)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall_s if self.wall_s else 0.0


def burst(port: int, token: str, clients: int, per_client: int) -> Result:
    result, lock = Result(clients), threading.Lock()
    start = threading.Barrier(clients + 1)

    def client() -> None:
        mine: list[float] = []
        lost: list[str] = []
        start.wait()
        for i in range(per_client):
            path = PATHS[i % 2]
            headers = {"Authorization": f"Bearer {token}"} if path == "/v1/me" else {}
            began = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                if resp.status >= 500:
                    lost.append(f"{path} HTTP {resp.status}")
                    continue
                mine.append((time.perf_counter() - began) * 1000)
            except OSError as exc:
                lost.append(f"{path} {type(exc).__name__}: {exc}")
            finally:
                conn.close()
        with lock:
            result.latencies += mine
            result.lost += lost
            result.clients_served += not lost

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    result.wall_s = time.perf_counter() - began
    return result


def start_stack(state_dir: Path) -> tuple[subprocess.Popen[str], int]:
    api = free_port()
    ports = ["--api-port", str(api), "--moto-port", str(free_port())]
    ports += ["--mqtt-port", str(free_port()), "--his-port", str(free_port())]
    cmd = [sys.executable, "-m", "devstack", "up", "--state-dir", str(state_dir), *ports]
    cmd += ["--no-seed", "--no-simulator", "--canary-interval", "600"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep the pipe drained
            return proc, api
    raise RuntimeError(f"devstack did not start (exit {proc.wait()})")


def token(state_dir: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "devstack", "token", "dispatcher", "--state-dir", str(state_dir)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def run(clients: int, per_client: int) -> str:
    state_dir = Path(tempfile.mkdtemp())
    proc, port = start_stack(state_dir)
    try:
        bearer = token(state_dir)
        burst(port, bearer, 4, 4)  # warm: first imports of the auth path and the health check
        baseline = burst(port, bearer, 1, per_client)
        loaded = burst(port, bearer, clients, per_client)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return section(baseline, loaded, per_client)


def section(baseline: Result, loaded: Result, per_client: int) -> str:
    rows = []
    for name, r in (("baseline: 1 client", baseline), (f"burst: {loaded.clients} clients at once", loaded)):
        p50, p95 = pct(r.latencies, 50), pct(r.latencies, 95)
        rows.append(
            f"| {name} | {r.clients_served}/{r.clients} | {r.requests} | {len(r.lost)} | {p50:.1f} | {p95:.1f} "
            f"| {r.throughput:.0f} |"
        )
    p50_ratio = pct(loaded.latencies, 50) / pct(baseline.latencies, 50)
    throughput_ratio = loaded.throughput / baseline.throughput
    lost = f"; lost: {', '.join(sorted(set(loaded.lost))[:5])}" if loaded.lost else ""
    return "\n".join(
        [
            f"{per_client} requests per client, half `GET /v1/health`, half `GET /v1/me` (dispatcher token), "
            f"each on a fresh connection; `python -m devstack up --no-seed` in a child process; "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs.",
            "",
            "| run | clients served without a loss | requests | lost | p50 ms | p95 ms | requests/s |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            f"Burst / baseline: p50 latency **{p50_ratio:.2f}x**, throughput **{throughput_ratio:.2f}x**; "
            f"requests lost **{len(loaded.lost)}** (goal: 0){lost}.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    text = run(args.clients, args.requests)
    print(text)
    if not args.no_write:
        write_section(
            "devstack-burst",
            "Devstack under a burst (`bench/devstack_burst.py`)",
            text,
            intro=(
                "What a developer's or a test's burst does to `make run`'s API: 50 clients released at once, each "
                "request on a fresh connection, against the same requests from one client in the same run. Goal: "
                "no request lost; the p50 ratio is queueing on 2 cores, throughput shows the server keeps up."
            ),
        )
    sys.exit(1 if "lost **0**" not in text else 0)


if __name__ == "__main__":
    main()
