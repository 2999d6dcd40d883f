"""Dead-letter queues named by the IoT rules (errorAction, sqs actions)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

import iot_rules
from infrastructure import constants
from infrastructure.nag import acknowledge


def queue_names() -> list[str]:
    return sorted({q for rule in iot_rules.load_rules() for q in iot_rules.rule_queues(rule)})


class DeadLetterQueues(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: str, key: kms.IKey) -> None:
        super().__init__(scope, id)
        self.by_name: dict[str, sqs.Queue] = {}
        for name in queue_names():
            queue = sqs.Queue(
                self,
                name,
                queue_name=constants.queue_name(stage, name),
                encryption=sqs.QueueEncryption.KMS,
                encryption_master_key=key,
                enforce_ssl=True,
                retention_period=Duration.days(constants.QUEUE_RETENTION_DAYS),
            )
            acknowledge(
                queue,
                "This queue is itself the dead-letter destination (IoT errorAction, Lambda on-failure); "
                "an alarm on its depth replaces a DLQ of the DLQ.",
                "AwsSolutions-SQS3",
            )
            self.by_name[name] = queue
