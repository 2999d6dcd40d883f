"""Runs what EventBridge schedules in AWS: the platform canary and every Chalice
`@app.schedule` handler, each on its own interval, in one thread."""

from __future__ import annotations

import importlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.core.aws import client
from devstack import aws_calls
from devstack.lambda_adapter import LambdaContext


@dataclass
class Job:
    name: str
    interval_s: float
    run: Callable[[], Any]
    next_at: float = 0.0  # 0: run at start


def canary_job(state_machine_arn: str, interval_s: float) -> Job:
    def run() -> str:
        # Executions are always named: moto names an unnamed one "None" and the next collides.
        name = f"canary-{time.time_ns()}"
        payload = json.dumps({"checks": ["dynamodb", "mqtt"]})
        client("stepfunctions").start_execution(stateMachineArn=state_machine_arn, name=name, input=payload)
        return name

    return Job("platform_canary", interval_s, run)


def chalice_schedule_jobs(app_module: Any, region: str, interval_override_s: float | None) -> list[Job]:
    """One job per `@app.schedule` handler, at its Rate (or the override, for tests)."""
    jobs = []
    for source in app_module.app.event_sources:
        expr = getattr(source, "schedule_expression", None)
        if expr is None:
            continue
        seconds = {"minutes": 60, "minute": 60, "hours": 3600, "hour": 3600, "days": 86400, "day": 86400}
        interval = interval_override_s or expr.value * seconds[str(expr.unit).lower()]
        # `<module>.<name>`: app.py's own, or a domain's blueprint (its routes module).
        module, _, attr = source.handler_string.rpartition(".")
        handler = getattr(importlib.import_module(module), attr)
        jobs.append(Job(source.name, interval, _scheduled_call(handler, source.name, region)))
    return jobs


def _scheduled_call(handler: Any, name: str, region: str) -> Callable[[], Any]:
    def run() -> Any:
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": "123456789012",
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": region,
            "resources": [f"arn:aws:events:{region}:123456789012:rule/{name}"],
            "detail": {},
        }
        with aws_calls.running(name):
            return handler(event, LambdaContext(function_name=name, invoked_function_arn=name))

    return run


class Scheduler:
    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            for job in self.jobs:
                if now >= job.next_at:
                    job.next_at = now + job.interval_s
                    try:
                        job.run()
                    except Exception as exc:  # the next tick retries; health shows the gap meanwhile
                        print(f"scheduled job {job.name} failed: {type(exc).__name__}: {exc}", flush=True)
            self._stop.wait(min(1.0, min(j.interval_s for j in self.jobs)))
