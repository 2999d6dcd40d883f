"""Create the AWS resources in moto from the project's own definitions: tables from
the PynamoDB registry, queues from the IoT rules, one Lambda function per Chalice
handler, state machines from the ASL files."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from chalicelib.core import tables
from chalicelib.core.aws import client, partition
from chalicelib.workflow import definitions
from iot_rules import load_rules, rule_queues


def create_tables() -> list[str]:
    names = []
    for model in tables.all_models():
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
    sqs = client("sqs")
    urls = {}
    for rule in load_rules():
        for queue in rule_queues(rule):
            urls[queue] = sqs.create_queue(QueueName=f"{prefix}{queue}")["QueueUrl"]
    return urls


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
