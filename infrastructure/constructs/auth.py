"""Who may call the API: a Cognito user pool, or an external OIDC provider.

Cognito user pools are not offered in the China regions (docs.amazonaws.cn, Cognito:
"User Pools are not currently available"), so there the issuer and JWKS URL come from
context (`-c oidc_issuer=... -c oidc_jwks_url=...`) or, if absent, from stack
parameters supplied at deploy time. The runtime validates either the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import CfnParameter, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from chalicelib.core.auth import Role
from infrastructure import constants
from infrastructure.settings import DeploySettings


@dataclass(frozen=True)
class Oidc:
    issuer: str
    jwks_url: str
    audience: str


class CognitoAuth(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: str) -> None:
        super().__init__(scope, id)
        pool = cognito.UserPool(
            self,
            "Users",
            user_pool_name=f"{constants.prefix(stage)}users",
            # Staff accounts only, provisioned by admins; callers hold per-call tokens instead.
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            password_policy=cognito.PasswordPolicy(
                min_length=14,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            # Every role here reaches health or location data: a second factor for all (TOTP, no SMS cost).
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            # "county:350602 unit:ZZ-A01": set by admins only (not writable by the app client).
            custom_attributes={"scope": cognito.StringAttribute(min_len=0, max_len=512, mutable=True)},
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for role in Role:
            cognito.CfnUserPoolGroup(
                self,
                f"Group-{role.value}",
                user_pool_id=pool.user_pool_id,
                group_name=role.value,
                description=f"EMS role {role.value}",
            )
        client = pool.add_client(
            "ApiClient",
            user_pool_client_name=f"{constants.prefix(stage)}api",
            auth_flows=cognito.AuthFlow(user_srp=True),
            generate_secret=False,
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True, fullname=True)
            .with_custom_attributes("scope"),
            # Without this a user could widen their own custom:scope.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True),
        )
        stack = Stack.of(self)
        issuer = f"https://cognito-idp.{stack.region}.{stack.url_suffix}/{pool.user_pool_id}"
        self.user_pool = pool
        self.client = client
        # The runtime accepts ID tokens, whose audience is the app client id.
        self.oidc = Oidc(issuer, f"{issuer}/.well-known/jwks.json", client.user_pool_client_id)


def external_oidc(scope: Construct, *, settings: DeploySettings) -> Oidc:
    """The pluggable IdP: context values if given, otherwise deploy-time parameters."""
    if settings.oidc_issuer and settings.oidc_jwks_url:
        return Oidc(settings.oidc_issuer, settings.oidc_jwks_url, settings.oidc_audience)

    def param(name: str, description: str, pattern: str, default: str | None = None) -> str:
        return CfnParameter(
            scope, name, type="String", description=description, allowed_pattern=pattern, default=default
        ).value_as_string

    https = r"^https://\S+$"
    return Oidc(
        param("OidcIssuer", "OIDC issuer (iss claim), e.g. https://idp.example.cn", https),
        param("OidcJwksUrl", "HTTPS URL of the issuer's JWKS", https),
        param("OidcAudience", "aud claim expected in ID tokens", r"^\S+$", settings.oidc_audience),
    )
