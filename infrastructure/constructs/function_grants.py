"""Each function's role policy, written from its derived access (`infrastructure.access`): the
tables it reaches and, for each capability, the statement (and the cdk-nag acknowledgment of its
run-time resource pattern) that capability stands for."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs

from chalicelib.dispatch.messages import DISPATCHED, EVENT_SOURCE
from infrastructure import constants
from infrastructure.access import Access, Capability
from infrastructure.constructs import grants
from infrastructure.constructs.device_files import DeviceFiles, grant_objects
from infrastructure.constructs.tables import Tables
from infrastructure.nag import acknowledge, nag_arn

# Encrypted with the data key: reaching any of these needs the key's data actions (the services
# call KMS on the function's behalf).
_ENCRYPTED = frozenset(
    {
        Capability.QR_KEYS,
        Capability.IDENTITY_KEY,
        Capability.DEVICE_FILES,
        Capability.CO_RESPONSE_EVENTS,
        Capability.TELEMETRY_REJECTS,
    }
)


@dataclass(frozen=True)
class Resources:
    """What the capabilities name."""

    tables: Tables
    key: kms.IKey
    qr_keys: secretsmanager.ISecret
    identity_key: secretsmanager.ISecret
    device_files: DeviceFiles
    machine_arns: Sequence[str]
    bus_arn: str
    telemetry_rejects: sqs.IQueue


def grant(policies: Mapping[str, iam.ManagedPolicy], access: Mapping[str, Access], resources: Resources) -> None:
    """Write every function's statements into its policy; a function without a policy is an error."""
    unknown = sorted(set(access) - set(policies))
    if unknown:
        raise KeyError(f"derived access for functions chalice does not declare: {unknown}")
    for name, policy in policies.items():
        _grant_one(policy, access[name], resources)


def _grant_one(policy: iam.ManagedPolicy, access: Access, r: Resources) -> None:
    if access.tables:
        policy.add_statements(grants.dynamodb_data(r.tables.data_arns(access.tables)))
    if access.tables or _ENCRYPTED & set(access.capabilities):
        policy.add_statements(grants.kms_data(r.key))
    for capability in access.capabilities:
        _BUILDERS[capability](policy, r)


def _publish(policy: iam.ManagedPolicy, r: Resources) -> None:
    stack = Stack.of(policy)
    topics = stack.format_arn(service="iot", resource="topic", resource_name=f"{constants.MQTT_TOPIC_ROOT}/*")
    policy.add_statements(iam.PolicyStatement(actions=["iot:Publish"], resources=[topics]))
    acknowledge(
        policy,
        f"Functions publish below {constants.MQTT_TOPIC_ROOT}/ only (unit, incident and platform topics "
        "are created at run time); the topic tree is the boundary.",
        f"AwsSolutions-IAM5[Resource::{nag_arn(stack, 'iot', f'topic/{constants.MQTT_TOPIC_ROOT}/*')}]",
    )


def _start_workflows(policy: iam.ManagedPolicy, r: Resources) -> None:
    policy.add_statements(iam.PolicyStatement(actions=["states:StartExecution"], resources=list(r.machine_arns)))


def _describe_workflows(policy: iam.ManagedPolicy, r: Resources) -> None:
    policy.add_statements(iam.PolicyStatement(actions=["states:DescribeStateMachine"], resources=list(r.machine_arns)))


def _describe_tables(policy: iam.ManagedPolicy, r: Resources) -> None:
    tables = [t.table_arn for t in r.tables.by_name.values()]
    policy.add_statements(iam.PolicyStatement(actions=["dynamodb:DescribeTable"], resources=tables))


def _task_responses(policy: iam.ManagedPolicy, r: Resources) -> None:
    # Acknowledged with X-Ray's `*` (infrastructure/constructs/api.py): one reason per finding id.
    policy.add_statements(grants.task_response())


def _qr_keys(policy: iam.ManagedPolicy, r: Resources) -> None:
    policy.add_statements(grants.secret_read(r.qr_keys))


def _identity_key(policy: iam.ManagedPolicy, r: Resources) -> None:
    policy.add_statements(grants.secret_read(r.identity_key))


def _device_files(policy: iam.ManagedPolicy, r: Resources) -> None:
    grant_objects(policy, r.device_files)


def _co_response_events(policy: iam.ManagedPolicy, r: Resources) -> None:
    policy.add_statements(grants.put_events(r.bus_arn, source=EVENT_SOURCE, detail_types=[DISPATCHED]))


def _video_rooms(policy: iam.ManagedPolicy, r: Resources) -> None:
    stack = Stack.of(policy)
    channels = stack.format_arn(service="kinesisvideo", resource="channel", resource_name="ems-*/*")
    policy.add_statements(grants.video_rooms(channels))
    acknowledge(
        policy,
        "Video rooms are signaling channels created per consultation at run time (ems-<id>); the name "
        "prefix is the boundary.",
        f"AwsSolutions-IAM5[Resource::{nag_arn(stack, 'kinesisvideo', 'channel/ems-*/*')}]",
    )


def _telemetry_rejects(policy: iam.ManagedPolicy, r: Resources) -> None:
    policy.add_statements(grants.sqs_send([r.telemetry_rejects]))


_BUILDERS: Mapping[Capability, Callable[[iam.ManagedPolicy, Resources], None]] = {
    Capability.PUBLISH: _publish,
    Capability.START_WORKFLOWS: _start_workflows,
    Capability.DESCRIBE_WORKFLOWS: _describe_workflows,
    Capability.DESCRIBE_TABLES: _describe_tables,
    Capability.TASK_RESPONSES: _task_responses,
    Capability.QR_KEYS: _qr_keys,
    Capability.IDENTITY_KEY: _identity_key,
    Capability.DEVICE_FILES: _device_files,
    Capability.CO_RESPONSE_EVENTS: _co_response_events,
    Capability.VIDEO_ROOMS: _video_rooms,
    Capability.TELEMETRY_REJECTS: _telemetry_rejects,
}
