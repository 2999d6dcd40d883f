"""The local stack in one process: moto (server mode), the Chalice API, an MQTT broker
with the IoT-rule bridge, the platform canary and demo data. All on loopback."""

from __future__ import annotations

import json
import os
import time
from contextlib import ExitStack
from typing import Any

import requests

from devstack import aws_calls, aws_resources, qr_keys, state, tokens
from devstack.config import HOST, StackConfig, app_environment
from iot_rules import CONSUMERS


class Stack:
    def __init__(self, cfg: StackConfig) -> None:
        self.cfg = cfg
        self.endpoints: dict[str, Any] = {}
        self._exit = ExitStack()

    def start(self, log: Any = print) -> None:
        try:
            self._start(log)
        except BaseException:
            self.stop()
            raise

    def _start(self, log: Any) -> None:
        cfg = self.cfg
        state.start_fresh(cfg.state_dir)  # moto starts empty: so do the keys (devstack/state.py)
        aws_calls.install()  # records the functions' AWS calls when EMS_AWS_CALLS_DIR is set
        jwks = tokens.ensure_keys(cfg.state_dir)
        qr_keys.ensure_qr_keys(cfg.state_dir)
        os.environ.update(app_environment(cfg, jwks))
        _reset_runtime_caches()

        self._start_moto()
        log(f"moto server        {cfg.moto_url}")
        role = aws_resources.create_role(cfg.region)
        aws_resources.create_tables()
        queues = aws_resources.create_queues(cfg.prefix)
        # The URL, as the stacks configure it: the functions send there, they do not look queues up.
        os.environ["EMS_TELEMETRY_REJECTS_QUEUE"] = queues[CONSUMERS["device-telemetry"].rejects]
        aws_resources.create_buckets()

        import app as app_module  # after the environment is set: the app reads it lazily anyway
        from devstack.lambda_adapter import LambdaAdapter, chalice_handlers

        handlers = chalice_handlers(app_module.app)
        adapter = LambdaAdapter(handlers, prefix=cfg.prefix)
        adapter.install()
        self._exit.callback(adapter.uninstall)
        self.adapter = adapter
        functions = aws_resources.create_functions(sorted(handlers), cfg.prefix, role)
        machines = aws_resources.create_state_machines(cfg.region, functions, role, cfg.prefix)
        os.environ["EMS_STATE_MACHINES"] = json.dumps(machines)
        _reset_runtime_caches()

        self._start_mqtt(adapter, queues)
        self._start_pollers(adapter, queues)
        log(f"MQTT broker        mqtt://{HOST}:{cfg.mqtt_port}  (IoT rules bridged: {len(self.bridge_rules)})")
        if cfg.seed:
            self._seed(log)

        from devstack.api_server import ApiServer

        api = ApiServer(app_module.app, host=HOST, port=cfg.api_port, stage=cfg.stage)
        api.start()
        self._exit.callback(api.stop)
        log(f"API                {cfg.api_url}/v1")

        self._start_his(log)

        from devstack.scheduler import Scheduler, canary_job, chalice_schedule_jobs

        jobs = [canary_job(machines["platform_canary"], cfg.canary_interval_s)]
        jobs += chalice_schedule_jobs(app_module, cfg.region, cfg.schedule_interval_s)
        scheduler = Scheduler(jobs)
        scheduler.start()
        self._exit.callback(scheduler.stop)
        self.endpoints = {
            "api": f"{cfg.api_url}/v1",
            "moto": cfg.moto_url,
            "mqtt": f"mqtt://{HOST}:{cfg.mqtt_port}",
            "his": f"http://{HOST}:{cfg.his_port}/his/{{hospital_id}}",
            "addresses": cfg.addresses if cfg.seed else 0,
            "region": cfg.region,
            "table_prefix": cfg.prefix,
            "state_machines": machines,
            "functions": functions,
            "queues": queues,
            "pid": os.getpid(),
        }
        (cfg.state_dir / "stack.json").write_text(json.dumps(self.endpoints, indent=2), encoding="utf-8")
        self._exit.callback(lambda: (cfg.state_dir / "stack.json").unlink(missing_ok=True))
        self._start_simulator(log)

    def _start_moto(self) -> None:
        import logging

        from moto.server import ThreadedMotoServer

        from devstack import moto_atomic, strict_sfn

        moto_atomic.install()  # conditional writes and transactions atomic, as in DynamoDB
        strict_sfn.install()  # States.Runtime fails the execution, as on AWS: no Retry or Catch hides it
        # One line per AWS call drowns the banner; errors still show.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

        server = ThreadedMotoServer(ip_address=HOST, port=self.cfg.moto_port, verbose=False)
        server.start()
        self._exit.callback(server.stop)
        config = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
        requests.post(f"{self.cfg.moto_url}/moto-api/config", json=config, timeout=10).raise_for_status()

    def _start_pollers(self, adapter: Any, queues: dict[str, str]) -> None:
        """Lambda's SQS event source mappings: each work queue drained into its consumer."""
        from devstack.sqs_poller import QueuePoller
        from iot_rules import CONSUMERS, work_queues

        self.pollers = [
            QueuePoller(queues[q], CONSUMERS[q], adapter.call, region=self.cfg.region) for q in work_queues()
        ]
        for poller in self.pollers:
            poller.start()
            self._exit.callback(poller.stop)

    def _start_mqtt(self, adapter: Any, queues: dict[str, str]) -> None:
        from chalicelib.core.aws import client
        from chalicelib.core.publisher import use_publisher
        from devstack.broker import Broker
        from devstack.mqtt_bridge import Bridge
        from devstack.mqtt_client import MqttPublisher
        from iot_rules import load_rules

        broker = Broker(host=HOST, port=self.cfg.mqtt_port)
        broker.start()
        self._exit.callback(broker.stop)

        def invoke(function: str, event: dict[str, Any]) -> Any:
            ok, payload = adapter.call(function, event)
            if not ok:
                raise RuntimeError(f"{payload.get('errorType')}: {payload.get('errorMessage')}")
            return payload

        def dead_letter(queue: str, record: dict[str, Any]) -> None:
            client("sqs").send_message(QueueUrl=queues[queue], MessageBody=json.dumps(record, default=str))

        self.bridge_rules = load_rules()
        bridge = Bridge(
            self.bridge_rules,
            host=HOST,
            port=self.cfg.mqtt_port,
            invoke=invoke,
            dead_letter=dead_letter,
            enqueue=dead_letter,
        )
        bridge.start()
        self._exit.callback(bridge.stop)
        publisher = MqttPublisher(host=HOST, port=self.cfg.mqtt_port, client_id="ems-app")
        publisher.connect()
        use_publisher(publisher)
        self._exit.callback(publisher.close)
        self._exit.callback(use_publisher, None)

    def _start_his(self, log: Any) -> None:
        """Each hospital's information system; hospitals set to answer do so through the API, as their staff."""
        from devstack.his_sim import HisSimulator, parse_behaviours

        cfg = self.cfg
        api = f"{cfg.api_url}/v1"

        def answer(hospital_id: str, booking_id: str, decision: str) -> None:
            token = tokens.issue(cfg.state_dir, "hospital", f"hospital:{hospital_id}", subject=f"his-{hospital_id}")
            body = {"reason": "no_capacity"} if decision == "decline" else {"note": "accepted by the ED"}
            resp = requests.post(f"{api}/bookings/{booking_id}/{decision}", json=body,
                                 headers={"Authorization": f"Bearer {token}"}, timeout=30)  # fmt: skip
            if resp.status_code >= 300:
                raise RuntimeError(f"HTTP {resp.status_code}: {resp.text[:200]}")

        his = HisSimulator(host=HOST, port=cfg.his_port, behaviours=parse_behaviours(cfg.his), answer=answer,
                           answer_delay_s=cfg.his_answer_delay_s)  # fmt: skip
        his.start()
        self._exit.callback(his.stop)
        log(f"hospital systems   http://{HOST}:{cfg.his_port}/his/<id>  (FHIR R4; offers answered: {cfg.his})")

    def _start_simulator(self, log: Any) -> None:
        cfg = self.cfg
        if not (cfg.simulator and cfg.seed):  # without demo data there is no fleet to drive
            log("simulator          off")
            return
        from devstack.seed.fleet import units
        from devstack.simulator import Simulator

        fleet = [u.unit_id for u in units()]
        simulator = Simulator(
            api=f"{cfg.api_url}/v1", mqtt_host=HOST, mqtt_port=cfg.mqtt_port, state_dir=cfg.state_dir, units=fleet
        )
        simulator.start()
        self._exit.callback(simulator.stop)
        log(f"simulator          on ({len(fleet)} units; --no-simulator turns it off)")

    def _seed(self, log: Any) -> None:
        from devstack import seed

        started = time.monotonic()
        data = seed.generate(addresses=self.cfg.addresses, volunteers=self.cfg.volunteers)
        seed.load(data)
        log(f"demo data          {_seed_summary(data)} in {time.monotonic() - started:.1f} s")

    def wait_healthy(self, timeout_s: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        body: dict[str, Any] = {}
        while time.monotonic() < deadline:
            try:
                resp = requests.get(f"{self.cfg.api_url}/v1/health", timeout=10)
            except requests.RequestException as exc:  # a busy machine's first check can be slow
                body = {"error": type(exc).__name__}
                continue
            body = resp.json()
            if resp.status_code == 200:
                return body
            time.sleep(0.5)
        raise TimeoutError(f"stack not healthy after {timeout_s} s: {body}")

    def stop(self) -> None:
        self._exit.close()


def _seed_summary(data: Any) -> str:
    parts = []
    for name in ("counties", "addresses", "stations", "units", "hospitals", "aeds", "volunteers"):
        items = getattr(data, name, None)
        if items is not None:
            parts.append(f"{len(items)} {name}")
    return ", ".join(parts)


def _reset_runtime_caches() -> None:
    from chalicelib.core import root

    root.reset()  # settings (shared and each domain's), clients, table bindings and every built port
