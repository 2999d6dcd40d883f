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

    # Shared by the fleet view and dispatch: older positions fall back to the unit's station.
    position_max_age_s: int = 120
    # Device clocks drift; a time further ahead than this is a wrong clock, not a report.
    max_clock_ahead_s: int = 300
    # Monitor readings stay this long, for the hospital and the quality review (telemetry, handover).
    vitals_ttl_days: int = Field(30, ge=1)
