"""Step Functions state machines from `chalicelib/workflow/*.asl.json`, and the canary schedule."""

from __future__ import annotations

from collections.abc import Callable

from aws_cdk import ArnFormat, Aws, Duration, Fn, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from chalicelib.workflow import definitions
from infrastructure import constants
from infrastructure.constructs import grants
from infrastructure.nag import acknowledge


def state_machine_arn(scope: Construct, *, stage: str, name: str) -> str:
    """ARN from the fixed name, so functions can know it without depending on the machine
    (the machine already depends on the functions: a reference back would be a cycle)."""
    return Stack.of(scope).format_arn(
        service="states",
        resource="stateMachine",
        resource_name=constants.state_machine_name(stage, name),
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )


class Workflows(Construct):
    def __init__(
        self, scope: Construct, id: str, *, stage: str, function: Callable[[str], lambda_.IFunction], key: kms.IKey
    ) -> None:
        super().__init__(scope, id)
        self.machines: dict[str, sfn.StateMachine] = {}
        for name in definitions.names():
            self.machines[name] = self._machine(name, stage, function, key)
        if constants.CANARY_MACHINE in self.machines:
            self._canary_schedule(self.machines[constants.CANARY_MACHINE])

    def _machine(
        self, name: str, stage: str, function: Callable[[str], lambda_.IFunction], key: kms.IKey
    ) -> sfn.StateMachine:
        physical = constants.state_machine_name(stage, name)
        functions = {fn: function(fn) for fn in definitions.functions(name)}
        log_group = logs.LogGroup(
            self,
            f"{name}Logs",
            # /aws/vendedlogs/ keeps the account's Logs resource policy small; the stack id lets a
            # re-created stack start afresh beside the retained group of its predecessor.
            log_group_name=Fn.join(
                "", ["/aws/vendedlogs/states/", physical, "-", Fn.select(2, Fn.split("/", Aws.STACK_ID))]
            ),
            retention=logs.RetentionDays[constants.LOG_RETENTION],
            encryption_key=key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        machine = sfn.StateMachine(
            self,
            name,
            state_machine_name=physical,
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_file(str(definitions.path(name))),
            definition_substitutions=definitions.substitutions(
                name, Stack.of(self).partition, {fn: f.function_arn for fn, f in functions.items()}
            ),
            # Execution data carries incident and health details: log events, not payloads.
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
            tracing_enabled=True,
        )
        if functions:
            machine.add_to_role_policy(grants.invoke(f.function_arn for f in functions.values()))
        acknowledge(
            machine.role,
            "CDK's statements for Step Functions log delivery and X-Ray: those actions support no "
            "resource-level permissions.",
            "AwsSolutions-IAM5[Resource::*]",
        )
        acknowledge(
            machine,
            "CDK's default policies of this machine's role and of its EventBridge role, each created "
            "and deleted with its role.",
            "HIPAA.Security-IAMNoInlinePolicy",
        )
        return machine

    def _canary_schedule(self, machine: sfn.StateMachine) -> None:
        # EventBridge names each execution; the canary needs no idempotent name.
        events.Rule(
            self,
            "CanarySchedule",
            description="Start the platform canary every minute",
            schedule=events.Schedule.rate(Duration.minutes(constants.CANARY_RATE_MINUTES)),
            targets=[
                targets.SfnStateMachine(
                    machine, input=events.RuleTargetInput.from_object(constants.CANARY_INPUT), retry_attempts=0
                )
            ],
        )
