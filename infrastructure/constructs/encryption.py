"""The customer-managed key that encrypts every store of personal or health data."""

from __future__ import annotations

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from infrastructure import constants
from infrastructure.constructs.queues import dispatch_bus_arn


class DataKey(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: str) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.key = kms.Key(
            self,
            "Key",
            alias=f"alias/{constants.prefix(stage)}data",
            description=f"EMS {stage}: tables, queues, logs, topics and the dispatch bus",
            enable_key_rotation=True,
            # Destroying the key would make every backup and retained table unreadable.
            removal_policy=RemovalPolicy.RETAIN,
        )
        # Log groups in the other stack are encrypted with this key; the Logs principal is
        # regional (and ends in .amazonaws.com.cn in China), limited to this account's groups.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.{stack.url_suffix}")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name="*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    }
                },
            )
        )
        # CloudWatch alarms publish to the encrypted alarm topic.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )
        self._allow_eventbridge(stack, stage)

    def _allow_eventbridge(self, stack: Stack, stage: str) -> None:
        """EventBridge encrypts the dispatch bus's events with this key and delivers them to the
        encrypted co-response topics and dead-letter queue. Each use is pinned by its encryption
        context to those resources, written from their fixed names: the bus and topics live in the
        stateless stack, and the queue refers to this key (a reference back would be a cycle)."""
        events = iam.ServicePrincipal("events.amazonaws.com")
        bus = dispatch_bus_arn(stack, stage)
        uses = {
            "kms:EncryptionContext:aws:events:event-bus:arn": bus,
            "kms:EncryptionContext:aws:sns:topicArn": stack.format_arn(
                service="sns",
                resource=constants.co_response_name(stage, "*"),
                arn_format=ArnFormat.NO_RESOURCE_NAME,
            ),
            "kms:EncryptionContext:aws:sqs:arn": stack.format_arn(
                service="sqs",
                resource=constants.queue_name(stage, constants.CO_RESPONSE_QUEUE),
                arn_format=ArnFormat.NO_RESOURCE_NAME,
            ),
        }
        for context_key, arn in uses.items():
            self.key.add_to_resource_policy(
                iam.PolicyStatement(
                    principals=[events],
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=["*"],
                    conditions={"StringEquals": {"aws:SourceAccount": stack.account}, "StringLike": {context_key: arn}},
                )
            )
        # EventBridge checks the key (symmetric, usable) when the bus is created or updated.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[events],
                actions=["kms:DescribeKey"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account, "aws:SourceArn": bus}},
            )
        )
