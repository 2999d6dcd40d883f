"""Starts the platform canary state machine on a schedule, as EventBridge does in AWS."""

from __future__ import annotations

import json
import threading
import time

from chalicelib.core.aws import client


class CanaryScheduler:
    def __init__(self, state_machine_arn: str, *, interval_s: float) -> None:
        self.arn = state_machine_arn
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="canary", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def run_once(self) -> str:
        # Executions are always named: moto names an unnamed one "None" and the next collides.
        name = f"canary-{time.time_ns()}"
        client("stepfunctions").start_execution(
            stateMachineArn=self.arn, name=name, input=json.dumps({"checks": ["dynamodb", "mqtt"]})
        )
        return name

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # the next tick retries; health shows the gap meanwhile
                print(f"canary start failed: {type(exc).__name__}: {exc}")
            self._stop.wait(self.interval_s)
