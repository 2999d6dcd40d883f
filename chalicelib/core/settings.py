"""Runtime settings model. Imported only through `config.get_settings()` so neither
pydantic-settings nor the environment is touched at import time (cold start)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    stage: str = "dev"
    region: str = Field("cn-northwest-1", validation_alias="AWS_REGION")
    # Prefix of every DynamoDB table name, e.g. "ems-prod-" -> "ems-prod-audit".
    table_prefix: str = "ems-dev-"
    # Set only for the local stack / tests: AWS endpoint of the moto server.
    aws_endpoint_url: str | None = None

    # Auth: either a Cognito user pool (AWS) or a local JWKS file (devstack).
    jwt_issuer: str = "ems-devstack"
    jwt_audience: str = "ems-api"
    jwks_url: str | None = None
    jwks_file: str | None = None

    # MQTT publishing: "iot-data" in AWS, "mqtt://host:port" for the local broker.
    mqtt_publish: str = "iot-data"
    iot_data_endpoint: str | None = None
    # `arn:<partition>:iot:<region>:<account>`: the resources of the policies the app authorizer returns.
    iot_arn_prefix: str = "arn:aws:iot:local:000000000000"

    # Step Functions state machines by logical name -> ARN (JSON in env).
    state_machines: dict[str, str] = {}

    max_body_bytes: int = 256 * 1024

    # QR doorplates: key ring from a Secrets Manager secret (AWS) or a local JSON file (devstack).
    qr_keys_secret: str | None = None
    qr_keys_file: str | None = None
    # Origin of the public call page a doorplate QR opens: {public_base_url}/q/{token}.
    public_base_url: str | None = None

    # Dispatch: "model" (default, every partition) or "amazon-location" (geo-routes, global regions).
    eta_provider: str = "model"
    route_region: str | None = None  # geo-routes region when it differs from the stack's
    route_timeout_s: float = 2.0
    # Per-county ETA model overrides: {"350602": {"kmh_peak": 18}, "default": {...}} (JSON in env).
    eta_profiles: dict[str, dict[str, float]] = {}
    position_max_age_s: int = 120  # older positions fall back to the unit's station
    # Device clocks drift; a time further ahead than this is a wrong clock, not a report.
    max_clock_ahead_s: int = 300
    dispatch_candidates: int = 10  # nearest free units the search returns for ETA ranking
    # An incident with no free unit waits this long for its county before the city takes over
    # (two-level command); once escalated, the search repeats at this interval as a safety net.
    escalate_after_s: int = Field(60, ge=5, le=3600)
    redispatch_after_s: int = Field(300, ge=30, le=3600)
    # EventBridge bus of dispatch events (co-responders subscribe with rules on it).
    event_bus: str = "default"

    # Device telemetry: a unit's stored position is rewritten when it is this much older than the
    # newest fix (dispatch's 5 s freshness bound minus the batching window and some margin).
    position_coalesce_s: float = Field(3.0, ge=0, le=60)
    vitals_ttl_days: int = Field(30, ge=1)  # readings stay for the hospital and the quality review
    # Where invalid device messages go, with their reasons (the queue's URL or name).
    telemetry_rejects_queue: str | None = None

    # Device files (12-lead ECGs, ultrasound): the bucket, the data key every object is encrypted
    # with (id, ARN or alias), and how long objects and their records are kept.
    files_bucket: str | None = None
    data_key_id: str | None = None
    files_retention_days: int = Field(365, ge=1)

    # First responders: how long an alerted volunteer has to answer before the alert passes to the
    # next nearest, how old a reported position may be and still be alerted on (the app reports every
    # few minutes while on duty), and how long after the call new volunteers are still alerted.
    volunteer_answer_s: int = Field(60, ge=1, le=600)
    volunteer_position_ttl_s: int = Field(900, ge=1)
    volunteer_alert_window_s: int = Field(1200, ge=60, le=3600)  # within first_response's timeout
