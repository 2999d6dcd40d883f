"""Create the AWS resources in moto from the project's own definitions: tables from
the PynamoDB registry, queues from the IoT rules, the device-files bucket from the app's
settings, one Lambda function per Chalice handler, state machines from the ASL files."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from chalicelib import tables as catalog
from chalicelib.core import tables
from chalicelib.core.aws import client, partition
from chalicelib.workflow import definitions
from iot_rules import CONSUMERS, dead_letter_queues, work_queues

# A failed message comes back this soon locally (AWS: six times the function timeout).
WORK_QUEUE_VISIBILITY_S = 5


def create_tables() -> list[str]:
    names = []
    for model in catalog.all_models():
        bound = tables.bound(model)
        if not bound.exists():
            bound.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        attr = tables.ttl_attribute(model)
        if attr:
            client("dynamodb").update_time_to_live(
                TableName=bound.Meta.table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attr}
            )
        names.append(bound.Meta.table_name)
    return names


def create_queues(prefix: str) -> dict[str, str]:
    """Dead-letter queues first, then the work queues the rules feed, each redriving to its DLQ
    after its consumer's `max_receive` deliveries, as the CDK queues do."""
    sqs = client("sqs")
    urls = {q: sqs.create_queue(QueueName=f"{prefix}{q}")["QueueUrl"] for q in dead_letter_queues()}
    for queue in work_queues():
        consumer = CONSUMERS[queue]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=urls[consumer.dead_letter], AttributeNames=["QueueArn"])
        redrive = {"deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"], "maxReceiveCount": consumer.max_receive}
        attributes = {"RedrivePolicy": json.dumps(redrive), "VisibilityTimeout": str(WORK_QUEUE_VISIBILITY_S)}
        urls[queue] = sqs.create_queue(QueueName=f"{prefix}{queue}", Attributes=attributes)["QueueUrl"]
    return urls


def create_buckets() -> str | None:
    """The device-files bucket and the data key its objects are encrypted with (from settings)."""
    from chalicelib.core.config import get_settings, settings_of
    from chalicelib.devicefiles.settings import DeviceFileSettings

    settings = settings_of(DeviceFileSettings)
    if not settings.files_bucket:
        return None
    s3 = client("s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if settings.files_bucket not in existing:
        region = get_settings().region
        location = {} if region == "us-east-1" else {"LocationConstraint": region}
        s3.create_bucket(Bucket=settings.files_bucket, CreateBucketConfiguration=location)
    alias = settings.data_key_id
    if alias and alias.startswith("alias/"):
        kms = client("kms")
        aliases = {a["AliasName"] for a in kms.list_aliases().get("Aliases", [])}
        if alias not in aliases:
            kms.create_alias(AliasName=alias, TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    if alias:
        # Default encryption with the data key, as the stateful stack sets it: moto stores a POSTed
        # object without the form's encryption fields, and the app rejects unencrypted objects.
        default = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": alias}
        rules = [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]
        s3.put_bucket_encryption(Bucket=settings.files_bucket, ServerSideEncryptionConfiguration={"Rules": rules})
    return settings.files_bucket


def _placeholder_zip() -> bytes:
    # moto stores a package per function; the code itself runs in-process via the adapter.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", "# executed in-process by the devstack lambda adapter\n")
    return buf.getvalue()


def create_functions(names: list[str], prefix: str, role_arn: str) -> dict[str, str]:
    lam = client("lambda")
    arns = {}
    for name in names:
        fn = lam.create_function(
            FunctionName=f"{prefix}{name}",
            Runtime="python3.11",
            Role=role_arn,
            Handler=f"app.{name}",
            Code={"ZipFile": _placeholder_zip()},
            Timeout=30,
        )
        arns[name] = fn["FunctionArn"]
    return arns


def create_role(region: str) -> str:
    iam = client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
        ],
    }
    return str(iam.create_role(RoleName="ems-devstack", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])


def create_state_machines(region: str, function_arns: dict[str, str], role_arn: str, prefix: str) -> dict[str, str]:
    sfn = client("stepfunctions")
    arns: dict[str, Any] = {}
    for name in definitions.names():
        body = definitions.render(name, definitions.substitutions(name, partition(region), function_arns))
        arns[name] = sfn.create_state_machine(
            name=f"{prefix}{name}", definition=json.dumps(body), roleArn=role_arn, type="STANDARD"
        )["stateMachineArn"]
    return arns
