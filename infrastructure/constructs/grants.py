"""Permissions written out in full. CDK's grant helpers add wildcards (`index/*`,
`kms:GenerateDataKey*`, `<arn>:*`) that least privilege and cdk-nag both reject."""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs

DYNAMODB_DATA = (
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:UpdateItem",
)
# Completing a `.waitForTaskToken` task. These actions take no resource type (Service
# Authorization Reference, Step Functions): the token, not an ARN, names the task.
TASK_RESPONSE = ("states:SendTaskFailure", "states:SendTaskHeartbeat", "states:SendTaskSuccess")
# DynamoDB and SQS call KMS on the caller's behalf with these.
KMS_DATA = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey")


def dynamodb_data(resources: Iterable[str]) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(DYNAMODB_DATA), resources=list(resources))


def kms_data(key: kms.IKey) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(KMS_DATA), resources=[key.key_arn])


def sqs_send(queues: Iterable[sqs.IQueue]) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[q.queue_arn for q in queues])


def invoke(function_arns: Iterable[str]) -> iam.PolicyStatement:
    """Unqualified ARNs only: the workflows invoke $LATEST, never a version or alias."""
    return iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=list(function_arns))


def secret_read(secret: secretsmanager.ISecret) -> iam.PolicyStatement:
    """The value only (no DescribeSecret or version listing); kms_data already lets it decrypt."""
    return iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[secret.secret_arn])


def task_response() -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(TASK_RESPONSE), resources=["*"])


def put_events(bus_arn: str, *, source: str, detail_types: Iterable[str]) -> iam.PolicyStatement:
    """One bus, and on it only the app's own source and detail types: a new kind of event is
    granted here, next to the rules that route it, not picked up by accident."""
    return iam.PolicyStatement(
        actions=["events:PutEvents"],
        resources=[bus_arn],
        conditions={"StringEquals": {"events:source": source, "events:detail-type": list(detail_types)}},
    )


# Kinesis Video Streams WebRTC rooms: create, find, sign joins for (Connect*), get TURN, remove.
VIDEO_ROOMS = (
    "kinesisvideo:ConnectAsMaster",
    "kinesisvideo:ConnectAsViewer",
    "kinesisvideo:CreateSignalingChannel",
    "kinesisvideo:DeleteSignalingChannel",
    "kinesisvideo:DescribeSignalingChannel",
    "kinesisvideo:GetIceServerConfig",
    "kinesisvideo:GetSignalingChannelEndpoint",
    "kinesisvideo:TagResource",
)


def video_rooms(channel_arns: str) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(VIDEO_ROOMS), resources=[channel_arns])
