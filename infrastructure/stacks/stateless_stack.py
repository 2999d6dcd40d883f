"""Compute and wiring: the Chalice app, intake protection, state machines, IoT rules, the dispatch
bus with its co-response topics, and monitoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Aws, Stack
from constructs import Construct

from chalicelib.workflow import definitions
from infrastructure import access, constants
from infrastructure.constructs import function_grants
from infrastructure.constructs.api import Api
from infrastructure.constructs.auth import Oidc, external_oidc
from infrastructure.constructs.co_response import CoResponse
from infrastructure.constructs.intake import IntakeProtection, public_base_url
from infrastructure.constructs.iot import IotRules
from infrastructure.constructs.iot_devices import AppAuthorizer, IotDevices
from infrastructure.constructs.monitoring import Monitoring
from infrastructure.constructs.workflows import Workflows, state_machine_arn
from infrastructure.settings import DeploySettings
from infrastructure.stacks.stateful_stack import StatefulStack
from iot_rules import CONSUMERS

TELEMETRY_REJECTS = CONSUMERS["device-telemetry"].rejects


class StatelessStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: DeploySettings,
        stateful: StatefulStack,
        build_dir: Path,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        stage = settings.stage
        oidc = stateful.oidc or external_oidc(self, settings=settings)
        machine_arns = {name: state_machine_arn(self, stage=stage, name=name) for name in definitions.names()}
        api = Api(
            self,
            "Api",
            settings=settings,
            environment=self._environment(settings, stateful, oidc, machine_arns),
            key=stateful.key,
            build_dir=build_dir,
        )
        co_response = CoResponse(
            self,
            "CoResponse",
            stage=stage,
            key=stateful.key,
            dead_letters=stateful.queues[constants.CO_RESPONSE_QUEUE],
        )
        self._grant(api, stateful, list(machine_arns.values()), co_response)
        IntakeProtection(self, "Intake", stage=stage, api=api, key=stateful.key)
        workflows = Workflows(self, "Workflows", stage=stage, function=api.function, key=stateful.key)
        IotRules(
            self,
            "Iot",
            stage=stage,
            function=api.function,
            queues=stateful.queues,
            work_queues=stateful.work_queues,
            key=stateful.key,
            function_policy=api.policy,  # by chalice name
        )
        IotDevices(self, "IotDevices", stage=stage)
        AppAuthorizer(self, "AppAuthorizer", stage=stage, function=api.function("mqtt_authorizer"))
        Monitoring(
            self,
            "Monitoring",
            stage=stage,
            key=stateful.key,
            api_name=api.api_name,
            functions={logical: fn.ref for logical, fn in api.functions.items()},
            machines=workflows.machines,
            queues=stateful.queues,
            work_queues=stateful.work_queues,
        )

    def _environment(
        self, settings: DeploySettings, stateful: StatefulStack, oidc: Oidc, machine_arns: dict[str, str]
    ) -> dict[str, str]:
        env = {
            "EMS_STAGE": settings.stage,
            "EMS_TABLE_PREFIX": constants.prefix(settings.stage),
            "EMS_JWT_ISSUER": oidc.issuer,
            "EMS_JWT_AUDIENCE": oidc.audience,
            "EMS_JWKS_URL": oidc.jwks_url,
            "EMS_STATE_MACHINES": self.to_json_string(machine_arns),
            "EMS_MQTT_PUBLISH": constants.ENV_MQTT_PUBLISH,
            "EMS_EVENT_BUS": constants.event_bus_name(settings.stage),
            "EMS_IOT_ARN_PREFIX": f"arn:{Aws.PARTITION}:iot:{Aws.REGION}:{Aws.ACCOUNT_ID}",
            "EMS_QR_KEYS_SECRET": stateful.qr_keys.secret_arn,
            "EMS_IDENTITY_KEY_SECRET": stateful.identity_key.secret_arn,
            "EMS_PUBLIC_BASE_URL": public_base_url(self, settings),
            # The URL, not the name: the functions may send there, not look queues up.
            "EMS_TELEMETRY_REJECTS_QUEUE": stateful.queues[TELEMETRY_REJECTS].queue_url,
            "EMS_FILES_BUCKET": stateful.device_files.bucket_name,
            "EMS_DATA_KEY_ID": stateful.key.key_arn,
            "EMS_FILES_RETENTION_DAYS": str(stateful.device_files.retention_days),
            "POWERTOOLS_SERVICE_NAME": constants.POWERTOOLS_SERVICE_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": constants.EMF_NAMESPACE,
        }
        if settings.iot_data_endpoint:
            env["EMS_IOT_DATA_ENDPOINT"] = settings.iot_data_endpoint
        if settings.his_endpoints:
            env["EMS_HIS_ENDPOINTS"] = settings.his_endpoints
        return env

    def _grant(self, api: Api, stateful: StatefulStack, machine_arns: list[str], co_response: CoResponse) -> None:
        resources = function_grants.Resources(
            tables=stateful.tables,
            key=stateful.key,
            qr_keys=stateful.qr_keys,
            identity_key=stateful.identity_key,
            device_files=stateful.device_files,
            machine_arns=machine_arns,
            bus_arn=co_response.bus_arn,
            telemetry_rejects=stateful.queues[TELEMETRY_REJECTS],
        )
        function_grants.grant(api.policies, access.derive(), resources)
