"""The REGIONAL WAF web ACL in front of the API: a per-IP rate limit on the public call intake,
then the AWS common rule set; blocked requests are logged without tokens, paths or cookies.

WAFv2 with AWS Managed Rules is offered in the China regions (regional scope only, which is all
an API Gateway stage needs), so the same ACL is deployed to both partitions.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import aws_kms as kms
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infrastructure import constants
from infrastructure.constructs.waf_logging import log_blocked_requests

_Acl = wafv2.CfnWebACL
# Per client IP over WAF's 5-minute window. Carrier-grade NAT puts many phones behind one IP: this
# stops a script, not a neighbourhood (the app adds its own per-IP check on warm functions).
CALLS_PER_IP_5MIN = 100
WINDOW_S = 300
_BODIES = {
    "throttled": ("too many calls from this network; retry shortly or phone the emergency number", 429),
    "payload_too_large": ("request body too large", 413),
}


def _visibility(name: str) -> _Acl.VisibilityConfigProperty:
    # No sampled requests: they would show callers' IPs and headers in the console (PIPL).
    return _Acl.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=False
    )


def _block(body: str) -> _Acl.BlockActionProperty:
    headers = [_Acl.CustomHTTPHeaderProperty(name="Retry-After", value="60")] if body == "throttled" else None
    return _Acl.BlockActionProperty(
        custom_response=_Acl.CustomResponseProperty(
            response_code=_BODIES[body][1], custom_response_body_key=body, response_headers=headers
        )
    )


def _match(field: dict[str, Any], text: str, constraint: str, *transforms: str) -> _Acl.StatementProperty:
    return _Acl.StatementProperty(
        byte_match_statement=_Acl.ByteMatchStatementProperty(
            field_to_match=_Acl.FieldToMatchProperty(**field),
            search_string=text,
            positional_constraint=constraint,
            text_transformations=[
                _Acl.TextTransformationProperty(priority=i, type=t) for i, t in enumerate(transforms or ("NONE",))
            ],
        )
    )


def calls_web_acl(scope: Construct, *, stage: str, key: kms.IKey, calls_path: str) -> _Acl:
    prefix = constants.prefix(stage)
    # CONTAINS: the stage name (/api) or a custom domain's base path may precede the route.
    calls = _Acl.StatementProperty(
        and_statement=_Acl.AndStatementProperty(
            statements=[
                _match({"method": {}}, "POST", "EXACTLY"),
                _match({"uri_path": {}}, calls_path, "CONTAINS", "NORMALIZE_PATH", "LOWERCASE"),
            ]
        )
    )
    rate_rule = _Acl.RuleProperty(
        name="calls-per-ip",
        priority=0,
        action=_Acl.RuleActionProperty(block=_block("throttled")),
        statement=_Acl.StatementProperty(
            rate_based_statement=_Acl.RateBasedStatementProperty(
                limit=CALLS_PER_IP_5MIN,
                evaluation_window_sec=WINDOW_S,
                aggregate_key_type="IP",
                scope_down_statement=calls,
            )
        ),
        visibility_config=_visibility(f"{prefix}calls-per-ip"),
    )
    common_rule = _Acl.RuleProperty(
        name="aws-common",
        priority=1,
        override_action=_Acl.OverrideActionProperty(none={}),
        statement=_Acl.StatementProperty(
            managed_rule_group_statement=_Acl.ManagedRuleGroupStatementProperty(
                vendor_name="AWS",
                name="AWSManagedRulesCommonRuleSet",
                # Over 8 KB: answer in the app's error shape (413), not a bare 403.
                rule_action_overrides=[
                    _Acl.RuleActionOverrideProperty(
                        name="SizeRestrictions_BODY",
                        action_to_use=_Acl.RuleActionProperty(block=_block("payload_too_large")),
                    )
                ],
            )
        ),
        visibility_config=_visibility(f"{prefix}aws-common"),
    )
    acl = _Acl(
        scope,
        "WebAcl",
        name=f"{prefix}api",
        description=f"EMS {stage}: API stage firewall - call intake rate per IP, AWS common rules",
        scope="REGIONAL",
        default_action=_Acl.DefaultActionProperty(allow={}),
        rules=[rate_rule, common_rule],
        custom_response_bodies={
            name: _Acl.CustomResponseBodyProperty(
                content_type="APPLICATION_JSON", content=json.dumps({"error": {"code": name, "message": message}})
            )
            for name, (message, _) in _BODIES.items()
        },
        visibility_config=_visibility(f"{prefix}api"),
    )
    log_blocked_requests(scope, acl, name=f"{prefix}api", key=key)
    return acl
