"""The Chalice app via `chalice.cdk.Chalice`: the API handler, every `@app.lambda_function` and every
event source (`@app.schedule` and the like, whose rules chalice writes into the SAM template)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aws_cdk import CfnResource, Fn, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name
from constructs import Construct

from infrastructure import constants
from infrastructure.chalice_project import packaging_sandbox, stage_project
from infrastructure.constructs import grants
from infrastructure.constructs.api_gateway import RestApiSettings
from infrastructure.nag import acknowledge
from infrastructure.settings import DeploySettings


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: DeploySettings,
        environment: Mapping[str, str],
        key: kms.IKey,
        build_dir: Path,
    ) -> None:
        super().__init__(scope, id)
        self._key = key
        project = stage_project(build_dir, bundle_dependencies=settings.bundle_dependencies)
        with packaging_sandbox(build_dir, region=settings.region):
            self.chalice = Chalice(
                self, "Chalice", source_dir=str(project), stage_config=_stage_config(settings, environment)
            )
        children = self.chalice.sam_template.node.children
        self.functions: dict[str, CfnResource] = {
            c.node.id: c
            for c in children
            if isinstance(c, CfnResource) and c.cfn_resource_type == "AWS::Serverless::Function"
        }
        self.role = self.chalice.get_role("DefaultRole")
        # A managed policy (not inline): everything the functions may do, in one reviewable place.
        self.policy = iam.ManagedPolicy(self, "FunctionPolicy", roles=[self.role])
        self.rest_api = self.chalice.get_resource("RestAPI")
        self.api_name = f"{constants.prefix(settings.stage)}api"
        self._logging()
        self._unscoped()
        self.rest_api_settings = RestApiSettings(
            self, "RestApi", rest_api=self.rest_api, settings=settings, key=key, name=self.api_name
        )

    def function(self, name: str) -> lambda_.IFunction:
        """A function by its chalice name (`@app.lambda_function(name=...)`, `@app.schedule(name=...)`)."""
        logical = to_cfn_resource_name(name)
        if logical not in self.functions:
            raise KeyError(f"no chalice function named {name!r} in app.py (referenced by a workflow or IoT rule)")
        return self.chalice.get_function(logical)

    def _logging(self) -> None:
        # Chalice's generated inline policy allows logs on arn:*:logs:*:*:*; replace it with
        # the functions' own encrypted log groups.
        default_role = self.chalice.get_resource("DefaultRole")
        assert isinstance(default_role, iam.CfnRole)
        default_role.policies = None
        log_arns = []
        for logical, fn in self.functions.items():
            group = logs.LogGroup(
                self,
                f"{logical}Logs",
                log_group_name=Fn.join("", ["/aws/lambda/", fn.ref]),
                retention=logs.RetentionDays[constants.LOG_RETENTION],
                encryption_key=self._key,
                removal_policy=RemovalPolicy.RETAIN,
            )
            log_arns.append(group.log_group_arn)
        self.policy.add_statements(
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=log_arns)
        )

    def _unscoped(self) -> None:
        """Actions with no resource type in the Service Authorization Reference: `*` or nothing.
        One acknowledgment for all (a finding id carries a single reason)."""
        self.policy.add_statements(
            iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]),
            grants.task_response(),
        )
        acknowledge(
            self.policy,
            "X-Ray PutTraceSegments/PutTelemetryRecords and Step Functions "
            f"{'/'.join(a.split(':')[1] for a in grants.TASK_RESPONSE)} support no resource-level permissions; "
            "for the latter the task token, handed out only by a waiting execution, names the task.",
            "AwsSolutions-IAM5[Resource::*]",
        )


def _stage_config(settings: DeploySettings, environment: Mapping[str, str]) -> dict[str, Any]:
    return {
        "api_gateway_stage": constants.API_STAGE,
        # Edge-optimized endpoints are not offered in the China regions.
        "api_gateway_endpoint_type": "REGIONAL",
        "xray": True,
        "lambda_memory_size": constants.LAMBDA_MEMORY_MB,
        "lambda_timeout": constants.LAMBDA_TIMEOUT_S,
        "environment_variables": dict(environment),
        "tags": {"project": constants.SERVICE, "stage": settings.stage},
    }
