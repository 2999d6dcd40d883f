"""The Chalice app via `chalice.cdk.Chalice`: the API handler, every `@app.lambda_function` and every
event source (`@app.schedule` and the like, whose rules chalice writes into the SAM template), each
function with its own role."""

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
from infrastructure.access import API_HANDLER, function_names
from infrastructure.chalice_project import FUNCTION_POLICY_FILE, packaging_sandbox, stage_project
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
        # Chalice name -> logical id, for every function (the API's is chalice's "api_handler").
        self.names = {name: logical_id(name) for name in function_names()}
        missing = sorted(set(self.names.values()) ^ set(self.functions))
        if missing:
            raise ValueError(f"functions and chalice names disagree: {missing}")
        # One role per function (`autogen_policy: false`), each with its own managed policy (not
        # inline): what one function may do, in one reviewable place.
        self.roles: dict[str, iam.CfnRole] = {}
        self.policies: dict[str, iam.ManagedPolicy] = {}
        for name, logical in sorted(self.names.items()):
            role = self.chalice.get_resource(to_cfn_resource_name(f"{name}_role"))
            assert isinstance(role, iam.CfnRole)
            self.roles[name] = role
            # By name (the role's Ref), not chalice's `get_role`, whose role is imported from its ARN.
            attached = iam.Role.from_role_name(self, f"{logical}RoleName", role.ref)
            self.policies[name] = iam.ManagedPolicy(self, f"{logical}Policy", roles=[attached])
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

    def policy(self, name: str) -> iam.ManagedPolicy:
        """The managed policy of one function's role, by chalice name."""
        if name not in self.policies:
            raise KeyError(f"no chalice function named {name!r}")
        return self.policies[name]

    def _logging(self) -> None:
        # Chalice's generated inline policy allows logs on arn:*:logs:*:*:*; replace it with
        # each function's own encrypted log group.
        for name, logical in self.names.items():
            self.roles[name].policies = None
            group = logs.LogGroup(
                self,
                f"{logical}Logs",
                log_group_name=Fn.join("", ["/aws/lambda/", self.functions[logical].ref]),
                retention=logs.RetentionDays[constants.LOG_RETENTION],
                encryption_key=self._key,
                removal_policy=RemovalPolicy.RETAIN,
            )
            self.policies[name].add_statements(
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[group.log_group_arn]
                )
            )

    def _unscoped(self) -> None:
        """X-Ray for every function: its actions have no resource type in the Service Authorization
        Reference, so `*` it is. The task responses (also `*`) go to the functions that complete
        task tokens only (`grant_task_responses`)."""
        for policy in self.policies.values():
            policy.add_statements(
                iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"])
            )
            # One acknowledgment for both `*` statements (a finding id carries a single reason).
            acknowledge(
                policy,
                "X-Ray PutTraceSegments/PutTelemetryRecords and Step Functions "
                f"{'/'.join(a.split(':')[1] for a in grants.TASK_RESPONSE)} support no resource-level "
                "permissions; for the latter the task token, handed out only by a waiting execution, names "
                "the task.",
                "AwsSolutions-IAM5[Resource::*]",
            )


def logical_id(name: str) -> str:
    """The function's logical id in the template, from its chalice name."""
    # chalice's SAM generator names the API function apart from the others.
    return "APIHandler" if name == API_HANDLER else to_cfn_resource_name(name)


def _stage_config(settings: DeploySettings, environment: Mapping[str, str]) -> dict[str, Any]:
    return {
        "api_gateway_stage": constants.API_STAGE,
        # Edge-optimized endpoints are not offered in the China regions.
        "api_gateway_endpoint_type": "REGIONAL",
        "xray": True,
        # A role per function, its inline policy read from an empty file (and then removed).
        "autogen_policy": False,
        "iam_policy_file": FUNCTION_POLICY_FILE,
        "lambda_memory_size": constants.LAMBDA_MEMORY_MB,
        "lambda_timeout": constants.LAMBDA_TIMEOUT_S,
        "environment_variables": dict(environment),
        "tags": {"project": constants.SERVICE, "stage": settings.stage},
    }
