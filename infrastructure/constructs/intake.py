"""Call intake (QR doorplates): the signing-key secret (stateful), the call page's public base URL,
and the limits in front of `POST /v1/calls`: API Gateway stage throttling and a WAF web ACL."""

from __future__ import annotations

import json

from aws_cdk import CfnParameter, Fn, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infrastructure import constants
from infrastructure.constructs.api import Api
from infrastructure.constructs.intake_waf import calls_web_acl
from infrastructure.nag import acknowledge
from infrastructure.settings import DeploySettings

CALLS_PATH = "/v1/calls"
# API Gateway token buckets (requests per second, burst), shared by all clients of the stage.
# Far above any real peak of emergency calls; they bound Lambda concurrency and table load.
STAGE_RATE, STAGE_BURST = 200.0, 400
CALLS_RATE, CALLS_BURST = 50.0, 100
FIRST_KID = "k1"
# 44 characters of [A-Za-z0-9] are valid base64 of 33 bytes (~262 bits): enough for HMAC-SHA256.
KEY_CHARS = 44


class QrKeys(Construct):
    """The QR signing key ring in Secrets Manager, created with one random key at first deploy.

    The value is `{"current": "k1", "k1": "<base64>"}`: CloudFormation can generate a random
    string under one top-level key only, so the ring is flat (every member but `current` is a key).
    Rotation is manual: a key signs printed doorplates and must stay until they are reprinted.
    """

    def __init__(self, scope: Construct, id: str, *, stage: str, key: kms.IKey) -> None:
        super().__init__(scope, id)
        self.secret = secretsmanager.Secret(
            self,
            "Secret",
            secret_name=f"{constants.prefix(stage)}qr-keys",
            description=f"EMS {stage}: HMAC keys of the QR doorplate tokens (rotated by hand, see README)",
            encryption_key=key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"current": FIRST_KID}),
                generate_string_key=FIRST_KID,
                password_length=KEY_CHARS,
                exclude_punctuation=True,
                include_space=False,
            ),
            # Losing the keys would void every printed doorplate.
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.secret,
            "Rotation is manual by design: each key signs printed doorplates, so a new key is added "
            "and made current by hand and old keys stay until their plates are reprinted.",
            "AwsSolutions-SMG4",
            "HIPAA.Security-SecretsManagerRotationEnabled",
        )


def public_base_url(scope: Construct, settings: DeploySettings) -> str:
    """Context `public_base_url`, else the deploy-time parameter `PublicBaseUrl`.

    Defaulting to the API's own URL is a cycle (the API's definition names the handler, whose
    environment would name the API); an empty value leaves QR issuance answering 503
    `qr_not_configured` until the URL is set (e.g. from the stack output `EndpointURL`).
    """
    if settings.public_base_url:
        return settings.public_base_url
    return CfnParameter(
        scope,
        "PublicBaseUrl",
        type="String",
        default="",
        allowed_pattern=r"^(https://\S+)?$",
        description="Public origin of the call page QR doorplates open, e.g. https://call.example.cn "
        "or the EndpointURL output; empty until known",
    ).value_as_string


class IntakeProtection(Construct):
    """Throttling of the public intake: stage-wide and per-method limits in API Gateway, and a
    REGIONAL WAF web ACL on the stage (per-IP rate on calls, AWS common rule set)."""

    def __init__(self, scope: Construct, id: str, *, stage: str, api: Api, key: kms.IKey) -> None:
        super().__init__(scope, id)
        api.rest_api_settings.throttle("/*", "*", rate=STAGE_RATE, burst=STAGE_BURST)
        api.rest_api_settings.throttle(CALLS_PATH, "POST", rate=CALLS_RATE, burst=CALLS_BURST)
        self.web_acl = calls_web_acl(self, stage=stage, key=key, calls_path=CALLS_PATH)
        # `RestAPI.Stage` is SAM's reference to the stage it generates: the association waits for it.
        api_id = Stack.of(self).resolve(api.rest_api.logical_id)
        stage_arn = (
            f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}::/restapis/${{{api_id}}}/stages/${{{api_id}.Stage}}"
        )
        wafv2.CfnWebACLAssociation(
            self, "StageAssociation", resource_arn=Fn.sub(stage_arn), web_acl_arn=self.web_acl.attr_arn
        )
