"""Deployment settings, read once from CDK context (`-c stage=prod -c region=cn-northwest-1`)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from constructs import Node

from infrastructure import constants


def _flag(value: object, default: bool) -> bool:
    if value is None:
        return default
    # Context from the command line arrives as text.
    return str(value).strip().lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class DeploySettings:
    stage: str = constants.DEFAULT_STAGE
    region: str = constants.DEFAULT_REGION
    account: str | None = None
    # False only for offline synth (tests): the Lambda bundle then lacks its wheels.
    bundle_dependencies: bool = True
    # An external OIDC provider replaces Cognito (required in China, where Cognito
    # user pools are not offered). Unset in China: the values become stack parameters.
    oidc_issuer: str | None = None
    oidc_jwks_url: str | None = None
    oidc_audience: str = constants.JWT_AUDIENCE_DEFAULT
    iot_data_endpoint: str | None = None
    # API Gateway logging needs an account-wide CloudWatch role; opt out if the account has one.
    apigw_account_role: bool = True
    # Origin of the public call page printed into doorplate QR codes (`https://.../api` or a custom
    # domain). Unset: the stack parameter `PublicBaseUrl` (the API's own URL would be a cycle).
    public_base_url: str | None = None
    # Each hospital's information system (FHIR R4 base URL, https) as JSON {"HOS01": "https://..."};
    # a hospital without one is "not connected" and its ED registers booked patients by hand.
    his_endpoints: str | None = None

    def __post_init__(self) -> None:
        if not constants.STAGE_PATTERN.match(self.stage):
            raise ValueError(f"stage {self.stage!r} must match {constants.STAGE_PATTERN.pattern}")
        if bool(self.oidc_issuer) != bool(self.oidc_jwks_url):
            raise ValueError("give both oidc_issuer and oidc_jwks_url, or neither")
        if self.public_base_url is not None and not re.match(constants.HTTPS_URL, self.public_base_url):
            raise ValueError(f"public_base_url {self.public_base_url!r} must be an https:// URL")
        for hospital, url in json.loads(self.his_endpoints or "{}").items():
            if not re.match(constants.HTTPS_URL, str(url)):
                raise ValueError(f"his_endpoints[{hospital!r}] must be an https:// URL: health data leaves over TLS")

    @property
    def partition(self) -> str:
        return "aws-cn" if self.region.startswith("cn-") else "aws"

    @property
    def use_cognito(self) -> bool:
        return self.partition == "aws" and not self.oidc_issuer

    @classmethod
    def from_node(cls, node: Node) -> DeploySettings:
        def ctx(key: str) -> str | None:
            value = node.try_get_context(key)
            return None if value in (None, "") else str(value)

        return cls(
            stage=ctx("stage") or constants.DEFAULT_STAGE,
            region=ctx("region") or os.environ.get("CDK_DEFAULT_REGION") or constants.DEFAULT_REGION,
            account=ctx("account") or os.environ.get("CDK_DEFAULT_ACCOUNT"),
            bundle_dependencies=_flag(ctx("bundle_dependencies"), True),
            oidc_issuer=ctx("oidc_issuer"),
            oidc_jwks_url=ctx("oidc_jwks_url"),
            oidc_audience=ctx("oidc_audience") or constants.JWT_AUDIENCE_DEFAULT,
            iot_data_endpoint=ctx("iot_data_endpoint"),
            apigw_account_role=_flag(ctx("apigw_account_role"), True),
            public_base_url=ctx("public_base_url"),
            his_endpoints=ctx("his_endpoints"),
        )
