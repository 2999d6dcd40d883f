"""The key of the health archive's lookup hashes (resident ID numbers, phone + name + birth date)."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infrastructure import constants
from infrastructure.nag import acknowledge

FIELD = "key"  # the secret is {"key": "<64 random characters>"}


class IdentityKey(Construct):
    """Generated at first deploy, encrypted with the data key, kept if the stack goes.

    Rotation is manual on purpose: every stored lookup key is an HMAC under it, so a new key
    means re-importing the archive (or keeping both during a re-hash)."""

    def __init__(self, scope: Construct, id: str, *, stage: str, key: kms.IKey) -> None:
        super().__init__(scope, id)
        self.secret = secretsmanager.Secret(
            self,
            "Secret",
            secret_name=f"{constants.prefix(stage)}identity-key",
            description=f"EMS {stage}: HMAC key of the health archive's identity lookup keys",
            encryption_key=key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({}),
                generate_string_key=FIELD,
                password_length=64,
                exclude_punctuation=True,
                include_space=False,
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.secret,
            "Rotation is manual by design: every stored identity lookup key is an HMAC under this key, "
            "so rotating means re-hashing the archive.",
            "AwsSolutions-SMG4",
            "HIPAA.Security-SecretsManagerRotationEnabled",
        )
