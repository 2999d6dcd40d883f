"""Queues of the IoT rules: the work queues their sqs actions feed (each with its dead-letter
queue), and the dead-letter destinations (errorActions, consumers' DLQs and rejects), plus the
one for co-response events EventBridge could not deliver."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

import iot_rules
from infrastructure import constants
from infrastructure.nag import acknowledge


def queue_names() -> list[str]:
    """The dead-letter destinations: any message in one is an alarm."""
    return sorted({*iot_rules.dead_letter_queues(), constants.CO_RESPONSE_QUEUE})


def dispatch_bus_arn(stack: Stack, stage: str) -> str:
    """From the fixed name: the bus lives in the stateless stack, which depends on this one."""
    return stack.format_arn(service="events", resource="event-bus", resource_name=constants.event_bus_name(stage))


def dispatch_bus_sources(stack: Stack, stage: str) -> list[str]:
    """The dispatch bus and its rules: what EventBridge acts for when it sends to the queue."""
    rules = stack.format_arn(service="events", resource="rule", resource_name=f"{constants.event_bus_name(stage)}/*")
    return [dispatch_bus_arn(stack, stage), rules]


class DeadLetterQueues(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: str, key: kms.IKey) -> None:
        super().__init__(scope, id)
        self._stage, self._key = stage, key
        self.by_name: dict[str, sqs.Queue] = {}
        for name in queue_names():
            queue = self._queue(name, retention_period=Duration.days(constants.QUEUE_RETENTION_DAYS))
            acknowledge(
                queue,
                "This queue is itself the dead-letter destination (IoT errorAction, Lambda on-failure, "
                "EventBridge targets); an alarm on its depth replaces a DLQ of the DLQ.",
                "AwsSolutions-SQS3",
            )
            self.by_name[name] = queue
        self._allow_dispatch_bus(self.by_name[constants.CO_RESPONSE_QUEUE], stage)
        self.work: dict[str, sqs.Queue] = {}
        for name in iot_rules.work_queues():
            consumer = iot_rules.CONSUMERS[name]
            self.work[name] = self._queue(
                name,
                # Lambda's guidance for an SQS source: at least six times the function's timeout.
                visibility_timeout=Duration.seconds(6 * constants.LAMBDA_TIMEOUT_S + consumer.window_s),
                retention_period=Duration.days(constants.WORK_QUEUE_RETENTION_DAYS),
                dead_letter_queue=sqs.DeadLetterQueue(
                    max_receive_count=consumer.max_receive, queue=self.by_name[consumer.dead_letter]
                ),
            )

    def _queue(self, name: str, **props: Any) -> sqs.Queue:
        """Encrypted with the data key, TLS only, named for the stage."""
        return sqs.Queue(
            self,
            name,
            queue_name=constants.queue_name(self._stage, name),
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self._key,
            enforce_ssl=True,
            **props,
        )

    def _allow_dispatch_bus(self, queue: sqs.Queue, stage: str) -> None:
        """The dispatch bus (events it cannot encrypt or decrypt) and its rules (undeliverable
        co-response events) send here, and nothing else of EventBridge's."""
        stack = Stack.of(self)
        queue.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[queue.queue_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {"aws:SourceArn": dispatch_bus_sources(stack, stage)},
                },
            )
        )
