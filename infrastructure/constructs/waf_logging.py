"""WAF logging: blocked requests only, with tokens, paths and cookies redacted.

Blocked requests still carry the client IP (WAF cannot redact it), so the group keeps them for
investigation only: three months, encrypted with the data key.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Aws, Fn, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

WAF_LOG_RETENTION = "THREE_MONTHS"  # aws_logs.RetentionDays member


def log_blocked_requests(scope: Construct, acl: wafv2.CfnWebACL, *, name: str, key: kms.IKey) -> None:
    """Log the requests `acl` blocks (and nothing else) to an encrypted group `aws-waf-logs-<name>-...`."""
    group = logs.LogGroup(
        scope,
        "WafLogs",
        # WAF requires the aws-waf-logs- prefix; the stack id keeps a re-created stack clear of the retained group.
        log_group_name=Fn.join("", [f"aws-waf-logs-{name}-", Fn.select(2, Fn.split("/", Aws.STACK_ID))]),
        retention=logs.RetentionDays[WAF_LOG_RETENTION],
        encryption_key=key,
        removal_policy=RemovalPolicy.RETAIN,
    )
    # WAF wants the group's ARN without the ":*" that the Arn attribute carries.
    arn = Stack.of(scope).format_arn(
        service="logs",
        resource="log-group",
        resource_name=group.log_group_name,
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
    field = wafv2.CfnLoggingConfiguration.FieldToMatchProperty
    wafv2.CfnLoggingConfiguration(
        scope,
        "WafLogging",
        resource_arn=acl.attr_arn,
        log_destination_configs=[arn],
        # Tokens (caller tokens, staff JWTs, QR tokens in /q/{token}) never reach the log.
        redacted_fields=[
            field(single_header={"Name": "authorization"}),
            field(single_header={"Name": "cookie"}),
            field(uri_path={}),
            field(query_string={}),
        ],
        logging_filter={
            "DefaultBehavior": "DROP",
            "Filters": [
                {
                    "Behavior": "KEEP",
                    "Requirement": "MEETS_ANY",
                    "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}],
                }
            ],
        },
    )
