"""The device-files bucket: 12-lead ECGs and ultrasound captures uploaded by ambulances through
presigned POSTs. Health data: encrypted with the data key, private, TLS only, versioned, kept
for a fixed time, every access logged."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from chalicelib.devicefiles.rules import KEY_PREFIX
from infrastructure import constants
from infrastructure.nag import acknowledge

RETENTION_DAYS = 365
# An overwritten or deleted version stays this long: room to undo a mistake, no longer.
NONCURRENT_DAYS = 30


def bucket_name(stage: str, account: str, region: str) -> str:
    """Fixed, and unique by account and region: the stateless stack names the bucket (its
    environment, its grant) without a cross-stack export, so the grant's finding has a stable id."""
    return f"{constants.prefix(stage)}device-files-{account}-{region}"


def _lifecycle(retention_days: int) -> list[s3.LifecycleRule]:
    return [
        s3.LifecycleRule(
            expiration=Duration.days(retention_days),
            noncurrent_version_expiration=Duration.days(NONCURRENT_DAYS),
            abort_incomplete_multipart_upload_after=Duration.days(1),
        )
    ]


def _private_bucket(scope: Construct, id: str, *, retention_days: int, **encryption: Any) -> s3.Bucket:
    return s3.Bucket(
        scope,
        id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        versioned=True,
        lifecycle_rules=_lifecycle(retention_days),
        removal_policy=RemovalPolicy.RETAIN,
        **encryption,
    )


class DeviceFiles(Construct):
    def __init__(
        self, scope: Construct, id: str, *, stage: str, key: kms.IKey, retention_days: int = RETENTION_DAYS
    ) -> None:
        super().__init__(scope, id)
        # Log delivery by bucket policy, not by ACL (ACLs stay disabled on both buckets). A feature
        # flag, set on this construct alone: context set here is seen by its children only.
        self.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
        stack = Stack.of(self)
        self.stage = stage
        self.bucket_name = bucket_name(stage, stack.account, stack.region)
        # The app's records expire with the objects (EMS_FILES_RETENTION_DAYS is set from this).
        self.retention_days = retention_days
        # Who fetched which ECG, and when: the access log is kept as long as the files.
        self.access_logs = _private_bucket(
            self,
            "AccessLogs",
            retention_days=retention_days,
            # S3 log delivery writes to SSE-S3 buckets only; the log names objects, never their content.
            encryption=s3.BucketEncryption.S3_MANAGED,
        )
        acknowledge(
            self.access_logs,
            "S3 server access log delivery supports only SSE-S3 destination buckets, not SSE-KMS.",
            "HIPAA.Security-S3DefaultEncryptionKMS",
        )
        acknowledge(
            self.access_logs,
            "This bucket holds the device-files bucket's access logs; logging it would recurse.",
            "AwsSolutions-S1",
            "HIPAA.Security-S3BucketLoggingEnabled",
        )
        self.bucket = _private_bucket(
            self,
            "Bucket",
            retention_days=retention_days,
            bucket_name=self.bucket_name,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,  # one data key per bucket and period, not one KMS call per object
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="device-files/",
        )
        for bucket in (self.bucket, self.access_logs):
            acknowledge(
                bucket,
                "Health data stays in its region (in-country); versioning and retained buckets guard "
                "against loss, a cross-region replica is a per-deployment decision.",
                "HIPAA.Security-S3BucketReplicationEnabled",
            )


def grant_objects(policy: iam.ManagedPolicy, files: DeviceFiles) -> None:
    """Put and Get (which includes Head) on the incidents' objects only: no listing, no deleting,
    nothing outside the prefix. Encrypting and decrypting with the data key is granted already."""
    stack = Stack.of(policy)
    objects = f"{files.bucket_name}/{KEY_PREFIX}*"
    resource = f"arn:{Aws.PARTITION}:s3:::{objects}"
    policy.add_statements(iam.PolicyStatement(actions=["s3:GetObject", "s3:PutObject"], resources=[resource]))
    # The same ARN as cdk-nag prints it, pseudo parameters in angle brackets.
    account = "<AWS::AccountId>" if Token.is_unresolved(stack.account) else stack.account
    region = "<AWS::Region>" if Token.is_unresolved(stack.region) else stack.region
    shown = f"arn:<AWS::Partition>:s3:::{bucket_name(files.stage, account, region)}/{KEY_PREFIX}*"
    acknowledge(
        policy,
        f"Objects are created at run time, one per incident and file; the {KEY_PREFIX} prefix of the "
        "device-files bucket is the boundary (no list, no delete, no other bucket).",
        f"AwsSolutions-IAM5[Resource::{shown}]",
    )
