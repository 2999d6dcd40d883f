"""Devstack settings: loopback only, every port configurable (flags or EMS_DEVSTACK_*)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class StackConfig:
    api_port: int = 8000
    moto_port: int = 5000
    mqtt_port: int = 1883
    his_port: int = 8010  # the hospitals' information systems (devstack/his_sim.py)
    state_dir: Path = Path(".devstack")
    region: str = "cn-northwest-1"
    stage: str = "local"
    addresses: int = 3000
    volunteers: int = 300
    canary_interval_s: float = 30.0
    schedule_interval_s: float | None = None  # override every @app.schedule rate (tests)
    seed: bool = True
    simulator: bool = True  # the demo fleet drives its jobs and publishes telemetry (devstack/simulator.py)
    # How each demo hospital answers offers: "HOS04=decline,HOS02=ignore,*=accept" (devstack/his_sim.py).
    his: str = "*=accept"
    his_answer_delay_s: float = 3.0
    # Everything on the console (JSON log lines, EMF metrics, request lines), not only in logs/api.log.
    verbose: bool = False

    @property
    def prefix(self) -> str:
        return f"ems-{self.stage}-"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "logs" / "api.log"

    @property
    def moto_url(self) -> str:
        return f"http://{HOST}:{self.moto_port}"

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.api_port}"

    @classmethod
    def from_env(cls) -> StackConfig:
        return cls(
            api_port=_env_int("EMS_DEVSTACK_API_PORT", 8000),
            moto_port=_env_int("EMS_DEVSTACK_MOTO_PORT", 5000),
            mqtt_port=_env_int("EMS_DEVSTACK_MQTT_PORT", 1883),
            his_port=_env_int("EMS_DEVSTACK_HIS_PORT", 8010),
            state_dir=Path(os.environ.get("EMS_DEVSTACK_DIR", ".devstack")),
            verbose=os.environ.get("EMS_DEVSTACK_VERBOSE", "") not in ("", "0", "false", "no"),
        )


def app_environment(cfg: StackConfig, jwks_file: Path) -> dict[str, str]:
    """Environment the in-process app sees: the same variables CDK sets in AWS."""
    from devstack import qr_keys

    return {
        "AWS_REGION": cfg.region,
        "AWS_DEFAULT_REGION": cfg.region,
        "AWS_ACCESS_KEY_ID": "devstack",
        "AWS_SECRET_ACCESS_KEY": "devstack",
        "MOTO_PORT": str(cfg.moto_port),
        "EMS_STAGE": cfg.stage,
        "EMS_HEALTH_CACHE_S": "1",
        "EMS_TABLE_PREFIX": cfg.prefix,
        "EMS_AWS_ENDPOINT_URL": cfg.moto_url,
        "EMS_JWT_ISSUER": "ems-devstack",
        "EMS_JWT_AUDIENCE": "ems-api",
        "EMS_JWKS_FILE": str(jwks_file.resolve()),
        "EMS_QR_KEYS_FILE": str(qr_keys.key_file(cfg.state_dir)),
        "EMS_PUBLIC_BASE_URL": cfg.api_url,
        "EMS_TELEMETRY_REJECTS_QUEUE": f"{cfg.prefix}telemetry-rejects",
        "EMS_MQTT_PUBLISH": f"mqtt://{HOST}:{cfg.mqtt_port}",
        "EMS_FILES_BUCKET": f"{cfg.prefix}device-files",
        # The stateful stack's alias name; create_buckets makes the key in moto.
        "EMS_DATA_KEY_ID": f"alias/{cfg.prefix}data",
        # Local only: a fixed key for the health archive's lookup hashes. AWS sets its own.
        "EMS_IDENTITY_KEY": "devstack-identity-key-local-only",
        # The seeded volunteers' apps do not report: their positions from the load stay usable for a week.
        "EMS_VOLUNTEER_POSITION_TTL_S": "604800",
        "EMS_VIDEO_PROVIDER": "local",
        "EMS_HIS_ENDPOINTS": json.dumps({h: f"http://{HOST}:{cfg.his_port}/his/{h}" for h in _hospital_ids()}),
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "ems",
        "POWERTOOLS_METRICS_NAMESPACE": "EMS",
    }


def _hospital_ids() -> list[str]:
    from devstack.seed.hospitals import hospitals

    return [h.hospital_id for h in hospitals()]
