"""Device-files bucket: KMS with the data key, private, TLS only, versioned, expiring, logged;
the functions may put and get objects below `incidents/` and nothing else in it."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from chalicelib.devicefiles.rules import KEY_PREFIX
from infrastructure.constructs.device_files import NONCURRENT_DAYS, RETENTION_DAYS
from tests.infrastructure.conftest import Synth

BLOCK_ALL = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}


def _buckets(synth: Synth) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(files bucket id, its properties, the access-log bucket's properties)."""
    buckets = synth.resources("stateful", "AWS::S3::Bucket")
    assert len(buckets) == 2
    (files_id,) = [k for k, r in buckets.items() if "LoggingConfiguration" in r["Properties"]]
    (logs,) = [r["Properties"] for k, r in buckets.items() if k != files_id]
    return files_id, buckets[files_id]["Properties"], logs


def test_the_files_bucket_is_encrypted_with_the_data_key(synth: Synth) -> None:
    (key_id,) = synth.resources("stateful", "AWS::KMS::Key")
    _, files, _ = _buckets(synth)
    (rule,) = files["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]},
    }
    assert rule["BucketKeyEnabled"] is True


def test_both_buckets_are_private_versioned_retained_and_expire(synth: Synth) -> None:
    template = Template.from_json(synth.templates["stateful"])
    props = {
        "PublicAccessBlockConfiguration": BLOCK_ALL,
        "VersioningConfiguration": {"Status": "Enabled"},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "LifecycleConfiguration": {
            "Rules": [
                Match.object_like(
                    {
                        "ExpirationInDays": RETENTION_DAYS,
                        "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_DAYS},
                        "Status": "Enabled",
                    }
                )
            ]
        },
    }
    buckets = template.find_resources("AWS::S3::Bucket", {"Properties": Match.object_like(props)})
    assert len(buckets) == 2
    assert all(b["DeletionPolicy"] == "Retain" for b in buckets.values())


def test_every_access_to_the_files_is_logged(synth: Synth) -> None:
    _, files, logs = _buckets(synth)
    assert files["LoggingConfiguration"]["LogFilePrefix"] == "device-files/"
    assert logs["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }


def test_both_buckets_refuse_plain_http_and_old_tls(synth: Synth) -> None:
    policies = synth.resources("stateful", "AWS::S3::BucketPolicy").values()
    assert len(policies) == 2
    for policy in policies:
        denies = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
        conditions = [s["Condition"] for s in denies]
        assert {"Bool": {"aws:SecureTransport": "false"}} in conditions
        assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in conditions


def _s3_statements(synth: Synth) -> dict[str, list[dict[str, Any]]]:
    """Every policy of the stateless stack that allows anything in S3, by logical id."""
    found: dict[str, list[dict[str, Any]]] = {}
    for kind in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
        for logical, policy in synth.resources("stateless", kind).items():
            statements = policy["Properties"]["PolicyDocument"]["Statement"]
            s3 = [s for s in statements if any(str(a).startswith("s3:") for a in _list(s["Action"]))]
            if s3:
                found[logical] = s3
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    """The literal parts of a CloudFormation string (a plain string or an Fn::Join)."""
    if isinstance(value, str):
        return value
    return "".join(p if isinstance(p, str) else "<ref>" for p in value["Fn::Join"][1])


def test_the_functions_reach_only_put_and_get_below_incidents(synth: Synth) -> None:
    found = _s3_statements(synth)
    functions = {logical for logical, _ in synth.function_policies().values()}
    assert found and set(found) <= functions  # the app's functions, and no other role
    assert synth.function_policies()["APIHandler"][0] in found  # the upload and download routes
    for (statement,) in found.values():
        _only_put_and_get_below_incidents(statement)


def _only_put_and_get_below_incidents(statement: dict[str, Any]) -> None:
    assert statement["Effect"] == "Allow"
    assert sorted(_list(statement["Action"])) == ["s3:GetObject", "s3:PutObject"]
    (resource,) = _list(statement["Resource"])
    text = _text(resource)
    assert text.startswith("arn:<ref>:s3:::ems-test-device-files-") and text.endswith(f"/{KEY_PREFIX}*")
    assert "*" not in text[: -len(f"/{KEY_PREFIX}*")]


def test_the_app_gets_the_bucket_the_data_key_and_the_retention(synth: Synth) -> None:
    _, files, _ = _buckets(synth)
    (key_id,) = synth.resources("stateful", "AWS::KMS::Key")
    functions = synth.resources("stateless", "AWS::Serverless::Function")
    assert functions
    for env in (f["Properties"]["Environment"]["Variables"] for f in functions.values()):
        # The same name expression in both stacks: no export between them for the bucket.
        assert env["EMS_FILES_BUCKET"] == files["BucketName"]
        assert key_id in json.dumps(env["EMS_DATA_KEY_ID"])  # the data key's ARN, exported by the stateful stack
        assert env["EMS_FILES_RETENTION_DAYS"] == str(RETENTION_DAYS)
