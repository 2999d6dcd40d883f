"""Call intake throttling: API Gateway stage and method limits, the WAF web ACL on the stage."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infrastructure.constructs import intake, waf_logging
from tests.infrastructure.conftest import STAGE, Synth


def _acl(synth: Synth) -> tuple[str, dict[str, Any]]:
    ((logical, acl),) = synth.resources("stateless", "AWS::WAFv2::WebACL").items()
    return logical, acl["Properties"]


def test_stage_and_call_intake_are_throttled_and_keep_their_logging(synth: Synth) -> None:
    (api,) = synth.resources("stateless", "AWS::Serverless::Api").values()
    settings = {(m["ResourcePath"], m["HttpMethod"]): m for m in api["Properties"]["MethodSettings"]}
    assert set(settings) == {("/*", "*"), ("/~1v1~1calls", "POST")}
    stage, calls = settings[("/*", "*")], settings[("/~1v1~1calls", "POST")]
    assert (stage["ThrottlingRateLimit"], stage["ThrottlingBurstLimit"]) == (intake.STAGE_RATE, intake.STAGE_BURST)
    assert (calls["ThrottlingRateLimit"], calls["ThrottlingBurstLimit"]) == (intake.CALLS_RATE, intake.CALLS_BURST)
    assert calls["ThrottlingRateLimit"] < stage["ThrottlingRateLimit"]
    for entry in settings.values():
        assert entry["LoggingLevel"] == "ERROR" and entry["MetricsEnabled"] and not entry["DataTraceEnabled"]


def test_the_web_acl_is_regional_and_associated_with_the_api_stage(synth: Synth) -> None:
    logical, acl = _acl(synth)
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    (association,) = synth.resources("stateless", "AWS::WAFv2::WebACLAssociation").values()
    props = association["Properties"]
    assert props["WebACLArn"] == {"Fn::GetAtt": [logical, "Arn"]}
    # `RestAPI.Stage` is SAM's reference to the stage it generates (so the association waits for it).
    assert props["ResourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/${RestAPI.Stage}"
    }


def test_calls_are_rate_limited_per_client_ip_with_a_429_in_the_app_error_shape(synth: Synth) -> None:
    _, acl = _acl(synth)
    rule = next(r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"])
    assert rule["Priority"] == 0  # before the managed rules: a flood is refused cheaply
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP" and rate["Limit"] == 100 and rate["EvaluationWindowSec"] == 300
    matches = [s["ByteMatchStatement"] for s in rate["ScopeDownStatement"]["AndStatement"]["Statements"]]
    assert {(m["SearchString"], m["PositionalConstraint"]) for m in matches} == {
        ("POST", "EXACTLY"),
        ("/v1/calls", "CONTAINS"),
    }
    response = rule["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    body = json.loads(acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]["Content"])
    assert body["error"]["code"] == "throttled" and set(body["error"]) == {"code", "message"}


def test_the_aws_common_rule_set_applies_in_both_partitions(synth: Synth) -> None:
    _, acl = _acl(synth)
    groups = [
        r["Statement"]["ManagedRuleGroupStatement"]
        for r in acl["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    ]
    assert [(g["VendorName"], g["Name"]) for g in groups] == [("AWS", "AWSManagedRulesCommonRuleSet")]
    (override,) = groups[0]["RuleActionOverrides"]
    assert override["Name"] == "SizeRestrictions_BODY"
    assert override["ActionToUse"]["Block"]["CustomResponse"]["ResponseCode"] == 413
    # No sampled requests anywhere: they would keep callers' IPs and headers (PIPL).
    assert all(
        not v["SampledRequestsEnabled"]
        for v in [acl["VisibilityConfig"], *(r["VisibilityConfig"] for r in acl["Rules"])]
    )


def test_blocked_requests_are_logged_encrypted_without_tokens(synth: Synth) -> None:
    logical, _ = _acl(synth)
    (logging,) = synth.resources("stateless", "AWS::WAFv2::LoggingConfiguration").values()
    props = logging["Properties"]
    assert props["ResourceArn"] == {"Fn::GetAtt": [logical, "Arn"]}
    assert props["LoggingFilter"]["DefaultBehavior"] == "DROP"
    redacted = json.dumps(props["RedactedFields"])
    assert all(field in redacted for field in ('"authorization"', '"cookie"', "UriPath", "QueryString"))
    (destination,) = props["LogDestinationConfigs"]
    group_id = destination["Fn::Join"][1][-1]["Ref"]  # the group's ARN without the ":*" WAF refuses
    group = synth.templates["stateless"]["Resources"][group_id]["Properties"]
    assert "KmsKeyId" in group and group["RetentionInDays"] == 90
    assert f"aws-waf-logs-ems-{STAGE}-api-" in json.dumps(group["LogGroupName"])
    assert waf_logging.WAF_LOG_RETENTION == "THREE_MONTHS"


def test_sam_resolves_the_stage_reference_and_the_reconcile_schedule(
    cn: Synth, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs where aws-sam-translator is installed (not a project dependency)."""
    translator = pytest.importorskip("samtranslator.translator.transform")

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    monkeypatch.setenv("AWS_DEFAULT_REGION", cn.region)
    resources = translator.transform(cn.templates["stateless"], {}, NoManagedPolicies())["Resources"]
    (association,) = (r for r in resources.values() if r["Type"] == "AWS::WAFv2::WebACLAssociation")
    stage = next(k for k, r in resources.items() if r["Type"] == "AWS::ApiGateway::Stage")
    assert association["Properties"]["ResourceArn"]["Fn::Sub"].endswith(f"/stages/${{{stage}}}")
    rules = [r for r in resources.values() if r["Type"] == "AWS::Events::Rule"]
    target = {"Fn::GetAtt": ["ReconcileIncidents", "Arn"]}
    assert any(t["Arn"] == target for r in rules for t in r["Properties"]["Targets"])
