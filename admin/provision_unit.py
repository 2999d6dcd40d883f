"""`python -m admin provision-unit UNIT_ID`: an ambulance's IoT thing, certificate and policy.

The thing is named by the unit id and the shared policy (`iot_rules/policies/ambulance.json`)
lets a certificate connect and publish only as the thing it is attached to, so the thing name is
the device's whole identity. Safe to rerun: an existing thing and active certificate are kept;
`--rotate` issues a new certificate and retires the old ones. See docs/provisioning.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT_CA = "https://www.amazontrust.com/repository/AmazonRootCA1.pem"  # what iot:Data-ATS endpoints chain to


def register(sub: Any) -> None:
    p = sub.add_parser("provision-unit", help="create an ambulance's IoT thing and certificate (idempotent)")
    p.add_argument("unit_id", type=_unit_id, metavar="UNIT_ID", help="the unit id, e.g. AMB01; also the thing name")
    p.add_argument(
        "--out", type=Path, help="directory for the key and certificate (devstack default: .devstack/devices/UNIT_ID)"
    )
    p.add_argument("--endpoint-url", help="e.g. the devstack's moto http://127.0.0.1:5000 (default: AWS)")
    p.add_argument("--region", help="default AWS_REGION, else cn-northwest-1 (devstack: its region)")
    p.add_argument("--stage", help="default EMS_STAGE, else dev (devstack: local); names the policy and units table")
    p.add_argument("--rotate", action="store_true", help="issue a new certificate and deactivate the unit's old ones")
    p.set_defaults(run=run)


def _unit_id(value: str) -> str:
    from chalicelib.telemetry.schemas import UNIT_ID

    # The id becomes a thing name and a topic level: nothing else may pass (no '/', '+', '#').
    if not re.fullmatch(UNIT_ID, value):
        raise argparse.ArgumentTypeError(f"{value!r}: a unit id is 1-32 of A-Z a-z 0-9 _ -")
    return value


@dataclass(frozen=True)
class Target:
    session: Any  # boto3.Session
    endpoint_url: str | None
    region: str
    stage: str
    out: Path | None
    local_broker: str | None  # the devstack's MQTT broker, which devices there use instead of IoT Core

    def client(self, service: str) -> Any:
        return self.session.client(service, region_name=self.region, endpoint_url=self.endpoint_url)


def run(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    target = _target(args)
    if target.out is None:
        print("error: pass --out DIR: where this unit's private key is written", file=sys.stderr)
        return 2
    try:
        return _provision(target, target.out, args.unit_id, rotate=args.rotate)
    except (BotoCoreError, ClientError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _target(args: argparse.Namespace) -> Target:
    import boto3

    from admin.address_table import LOOPBACK
    from infrastructure import constants

    if args.endpoint_url and LOOPBACK.match(args.endpoint_url):
        from devstack.config import HOST, StackConfig

        cfg = StackConfig.from_env()
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            os.environ.setdefault(name, "devstack")  # moto accepts any credentials; botocore wants some
        return Target(
            session=boto3.Session(),
            endpoint_url=args.endpoint_url,
            region=args.region or cfg.region,
            stage=args.stage or cfg.stage,
            out=args.out or cfg.state_dir / "devices" / args.unit_id,
            local_broker=f"mqtt://{HOST}:{cfg.mqtt_port}",
        )
    session = boto3.Session()
    return Target(
        session=session,
        endpoint_url=args.endpoint_url,
        region=args.region or session.region_name or constants.DEFAULT_REGION,
        stage=args.stage or os.environ.get("EMS_STAGE") or constants.DEFAULT_STAGE,
        out=args.out,
        local_broker=None,
    )


def _provision(target: Target, out: Path, unit_id: str, *, rotate: bool) -> int:
    attributes = _unit_attributes(target, unit_id)
    if attributes is None:
        print(f"error: unknown unit {unit_id!r}: not in the units table of stage {target.stage}", file=sys.stderr)
        return 2
    iot = target.client("iot")
    policy = _ensure_policy(target, iot)
    print(_ensure_thing(iot, unit_id, attributes))
    active = _active_certificates(iot, unit_id)
    for arn in active:
        iot.attach_policy(policyName=policy, target=arn)  # idempotent; restores one detached by hand
    if active and not rotate:
        ids = ", ".join(arn.rsplit("/", 1)[1][:12] for arn in active)
        print(f"certificate {ids}: active; its key was written when it was issued (--rotate for a new one)")
        return 0
    cert = iot.create_keys_and_certificate(setAsActive=False)
    endpoint = iot.describe_endpoint(endpointType="iot:Data-ATS")["endpointAddress"]
    _write(out, unit_id, cert, endpoint, target.local_broker)
    iot.attach_policy(policyName=policy, target=cert["certificateArn"])
    iot.attach_thing_principal(thingName=unit_id, principal=cert["certificateArn"])
    # Active only once bound to its thing and policy: a live certificate never lacks its limits.
    iot.update_certificate(certificateId=cert["certificateId"], newStatus="ACTIVE")
    print(f"certificate {cert['certificateId'][:12]}: issued, active, policy {policy} -> {out}")
    for arn in active:
        _retire(iot, unit_id, arn)
        print(f"certificate {arn.rsplit('/', 1)[1][:12]}: deactivated and detached from {unit_id}")
    return 0


def _unit_attributes(target: Target, unit_id: str) -> dict[str, str] | None:
    """Thing attributes from the units table; None when the table does not know the unit. A table
    this caller cannot read (not deployed, another account) is no refusal: say so, go on by name."""
    from botocore.exceptions import ClientError

    from chalicelib.core.tables import logical_name
    from chalicelib.fleet.dal import UnitRecord
    from infrastructure import constants

    table = constants.table_name(target.stage, logical_name(UnitRecord))
    try:
        item = target.client("dynamodb").get_item(
            TableName=table,
            Key={"unit_id": {"S": unit_id}},
            ProjectionExpression="#t, county, station_id",
            ExpressionAttributeNames={"#t": "type"},  # a DynamoDB reserved word
        )
    except ClientError as exc:
        print(f"warning: cannot read {table} ({exc.response['Error']['Code']}): {unit_id} unchecked", file=sys.stderr)
        return {}
    if "Item" not in item:
        return None
    names = {"type": "unit_type", "county": "county", "station_id": "station"}
    return {names[k]: v["S"] for k, v in item["Item"].items() if k in names}


def _ensure_policy(target: Target, iot: Any) -> str:
    from chalicelib.core.aws import partition
    from infrastructure import constants
    from iot_rules.policies import ambulance_policy

    name = constants.iot_policy_name(target.stage)
    account = target.client("sts").get_caller_identity()["Account"]
    document = ambulance_policy(partition(target.region), target.region, account)
    try:
        stored = json.loads(iot.get_policy(policyName=name)["policyDocument"])
    except iot.exceptions.ResourceNotFoundException:
        iot.create_policy(policyName=name, policyDocument=json.dumps(document))
        print(f"policy {name}: created")
        return name
    # In AWS the stack owns the policy: report drift, never rewrite it behind CloudFormation's back.
    if stored != document:
        print(f"warning: policy {name} differs from iot_rules/policies/ambulance.json; deploy", file=sys.stderr)
    return name


def _ensure_thing(iot: Any, unit_id: str, attributes: dict[str, str]) -> str:
    try:
        iot.describe_thing(thingName=unit_id)
        return f"thing {unit_id}: exists"
    except iot.exceptions.ResourceNotFoundException:
        iot.create_thing(thingName=unit_id, attributePayload={"attributes": attributes})
        return f"thing {unit_id}: created {attributes or ''}".rstrip()


def _active_certificates(iot: Any, unit_id: str) -> list[str]:
    pages = iot.get_paginator("list_thing_principals").paginate(thingName=unit_id)
    certs = [arn for page in pages for arn in page["principals"] if ":cert/" in arn]
    return [arn for arn in certs if _status(iot, arn) == "ACTIVE"]


def _status(iot: Any, arn: str) -> str:
    return str(iot.describe_certificate(certificateId=arn.rsplit("/", 1)[1])["certificateDescription"]["status"])


def _retire(iot: Any, unit_id: str, arn: str) -> None:
    # Kept (inactive) for the audit trail; detached too, so IsAttached fails even if someone reactivates it.
    iot.update_certificate(certificateId=arn.rsplit("/", 1)[1], newStatus="INACTIVE")
    iot.detach_thing_principal(thingName=unit_id, principal=arn)


def _write(out: Path, unit_id: str, cert: dict[str, Any], endpoint: str, local_broker: str | None) -> None:
    from iot_rules.policies import unit_topics

    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    (out / "certificate.pem.crt").write_text(cert["certificatePem"], encoding="ascii")
    key = os.open(out / "private.pem.key", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(key, "w", encoding="ascii") as f:
        os.fchmod(f.fileno(), 0o600)  # a key file left by an earlier run may have wider permissions
        f.write(cert["keyPair"]["PrivateKey"])
    device = {
        "thing_name": unit_id,
        "client_id": unit_id,  # the policy accepts no other MQTT client id
        "endpoint": endpoint,
        "port": 8883,
        "root_ca": ROOT_CA,
        "certificate_id": cert["certificateId"],
        "topics": unit_topics(unit_id),
    }
    if local_broker:
        device["local_broker"] = local_broker
    (out / "device.json").write_text(json.dumps(device, indent=2) + "\n", encoding="utf-8")
