"""API Gateway settings chalice does not expose: name, tracing, access logs, method throttling and
logging, gateway responses; applied to the SAM `RestAPI` chalice generates."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import CfnResource, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from infrastructure import constants
from infrastructure.nag import acknowledge
from infrastructure.settings import DeploySettings

# Never the caller's IP or identity (PIPL); the resource path is the template, not the ids.
_ACCESS_LOG = json.dumps(
    {
        "requestId": "$context.requestId",
        "time": "$context.requestTimeEpoch",
        "method": "$context.httpMethod",
        "resource": "$context.resourcePath",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "integrationLatencyMs": "$context.integrationLatency",
        "bytes": "$context.responseLength",
        "error": "$context.error.responseType",
        "xray": "$context.xrayTraceId",
    }
)


class RestApiSettings(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        rest_api: CfnResource,
        settings: DeploySettings,
        key: kms.IKey,
        name: str,
    ) -> None:
        super().__init__(scope, id)
        # No fixed name: the group is retained, and a re-created stack must not collide with it.
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=logs.RetentionDays[constants.LOG_RETENTION],
            encryption_key=key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        rest_api.add_property_override("Name", name)
        rest_api.add_property_override("TracingEnabled", True)
        rest_api.add_property_override(
            "AccessLogSetting", {"DestinationArn": access_logs.log_group_arn, "Format": _ACCESS_LOG}
        )
        self._rest_api = rest_api
        self._method_settings: list[dict[str, Any]] = []
        self.throttle("/*", "*")
        # Part of the API definition (not separate resources), so each change is redeployed.
        rest_api.add_property_override("GatewayResponses", _gateway_responses())
        if settings.apigw_account_role:
            rest_api.add_resource_dependency(self._account_logging_role())

    def throttle(self, path: str, method: str, *, rate: float | None = None, burst: int | None = None) -> None:
        """Stage method settings for `path` (`/*` for every path) and `method` (`*`), with throttling
        if given; each entry repeats the logging settings, which a method-level entry would reset."""
        # API Gateway's encoding: /v1/calls -> /~1v1~1calls.
        resource_path = path if path == "/*" else "/" + path.replace("/", "~1")
        entry: dict[str, Any] = {
            "ResourcePath": resource_path,
            "HttpMethod": method,
            "MetricsEnabled": True,
            "LoggingLevel": "ERROR",
            "DataTraceEnabled": False,
        }
        if rate is not None and burst is not None:
            entry.update(ThrottlingRateLimit=rate, ThrottlingBurstLimit=burst)
        key = (resource_path, method)
        self._method_settings = [e for e in self._method_settings if (e["ResourcePath"], e["HttpMethod"]) != key]
        self._method_settings.append(entry)
        self._rest_api.add_property_override("MethodSettings", list(self._method_settings))

    def _account_logging_role(self) -> apigateway.CfnAccount:
        role = iam.Role(
            self,
            "ApiGatewayLogsRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            ],
        )
        # The setting is account-wide: other stages may rely on this role after this stack is gone.
        role.apply_removal_policy(RemovalPolicy.RETAIN)
        acknowledge(
            role,
            "The AWS-maintained policy documented for API Gateway's account-level CloudWatch role.",
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
        )
        return apigateway.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn)


def _gateway_responses() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, (status, body) in constants.GATEWAY_RESPONSES.items():
        response: dict[str, Any] = {"ResponseTemplates": {"application/json": body}}
        if status:
            response["StatusCode"] = status
        out[kind] = response
    return out
