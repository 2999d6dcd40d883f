"""China (aws-cn) and global partitions: no hard-coded partition, pluggable identity provider."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.core.auth import Role
from infrastructure.settings import DeploySettings
from tests.infrastructure.conftest import Synth


def _text(synth: Synth) -> str:
    return "\n".join(json.dumps(t) for t in synth.templates.values())


def test_no_template_hard_codes_the_aws_partition(synth: Synth) -> None:
    assert "arn:aws:" not in _text(synth)


def test_china_templates_reach_amazonaws_com_cn_only_through_the_url_suffix(cn: Synth) -> None:
    text = _text(cn)
    assert "amazonaws.com.cn" not in text
    assert '{"Ref": "AWS::URLSuffix"}' in text  # e.g. the regional CloudWatch Logs principal of the key


def test_china_has_no_cognito_and_takes_the_oidc_provider_as_parameters(cn: Synth) -> None:
    assert "AWS::Cognito::" not in _text(cn)
    params = cn.templates["stateless"]["Parameters"]
    assert {"OidcIssuer", "OidcJwksUrl", "OidcAudience"} <= set(params)
    (api,) = (f for k, f in cn.resources("stateless", "AWS::Serverless::Function").items() if k == "APIHandler")
    env = api["Properties"]["Environment"]["Variables"]
    assert env["EMS_JWT_ISSUER"] == {"Ref": "OidcIssuer"} and env["EMS_JWKS_URL"] == {"Ref": "OidcJwksUrl"}


def test_global_uses_a_cognito_pool_with_one_group_per_role(global_: Synth) -> None:
    groups = {
        g["Properties"]["GroupName"] for g in global_.resources("stateful", "AWS::Cognito::UserPoolGroup").values()
    }
    assert groups == {r.value for r in Role}
    (pool,) = global_.resources("stateful", "AWS::Cognito::UserPool").values()
    props = pool["Properties"]
    assert props["MfaConfiguration"] == "ON" and props["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"
    assert props["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    assert {"Name": "scope", "AttributeDataType": "String"}.items() <= props["Schema"][0].items()


def test_users_cannot_write_their_own_scope(global_: Synth) -> None:
    (client,) = global_.resources("stateful", "AWS::Cognito::UserPoolClient").values()
    assert "custom:scope" in client["Properties"]["ReadAttributes"]
    assert "custom:scope" not in client["Properties"]["WriteAttributes"]


def test_global_issuer_and_jwks_url_are_built_from_the_url_suffix(global_: Synth) -> None:
    env = global_.templates["stateless"]["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    issuer, jwks = env["EMS_JWT_ISSUER"]["Fn::Join"][1], env["EMS_JWKS_URL"]["Fn::Join"][1]
    assert issuer[:3] == ["https://cognito-idp.ap-southeast-1.", {"Ref": "AWS::URLSuffix"}, "/"]
    assert "Fn::ImportValue" in issuer[3]  # the pool id, from the stateful stack
    assert jwks[:4] == issuer and jwks[4] == "/.well-known/jwks.json"
    assert "Fn::ImportValue" in env["EMS_JWT_AUDIENCE"]  # the app client id (ID tokens' aud)


@pytest.mark.parametrize(
    ("context", "cognito"),
    [
        ({"region": "ap-southeast-1"}, True),
        ({"region": "cn-northwest-1"}, False),
        (
            {"region": "eu-west-1", "oidc_issuer": "https://idp.example", "oidc_jwks_url": "https://idp.example/k"},
            False,
        ),
    ],
)
def test_the_identity_provider_is_chosen_by_partition_and_context(context: dict[str, Any], cognito: bool) -> None:
    assert DeploySettings(**context).use_cognito is cognito


def test_half_an_oidc_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="oidc"):
        DeploySettings(oidc_issuer="https://idp.example")
