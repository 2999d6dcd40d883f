"""cdk-nag (v3: a CDK policy-validation plugin) on the whole app.

Acknowledgments (v3's word for suppressions) sit next to the resource they excuse,
each with its reason, through `acknowledge`; `cdk synth` fails on anything else.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, Stack, Token, Validations
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NagPack
from constructs import IConstruct


def packs(app: App | None = None) -> list[NagPack]:
    # Write acknowledgments into template Metadata too: the audit trail travels with the template.
    return [
        AwsSolutionsChecks(app, verbose=True, write_suppressions_to_cloud_formation=True),
        HIPAASecurityChecks(app, verbose=True, write_suppressions_to_cloud_formation=True),
    ]


def apply_checks(app: App) -> None:
    Validations.of(app).add_plugins(*packs(app))


def acknowledge(scope: IConstruct, reason: str, *rule_ids: str) -> None:
    """Accept findings on `scope` (and below); rule ids may name one finding: `AwsSolutions-IAM5[Resource::*]`."""
    for rule_id in rule_ids:
        Validations.of(scope).acknowledge(Acknowledgment(id=rule_id, reason=reason))


def nag_arn(stack: Stack, service: str, resource: str) -> str:
    """An ARN as cdk-nag prints it in a finding id (`arn:<AWS::Partition>:...`)."""
    account = "<AWS::AccountId>" if Token.is_unresolved(stack.account) else stack.account
    return f"arn:<AWS::Partition>:{service}:{stack.region}:{account}:{resource}"
