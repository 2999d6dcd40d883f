"""Stateless stack: Chalice functions, API, state machines, canary schedule, IoT rules, alarms."""

from __future__ import annotations

import json
import re

from aws_cdk.assertions import Match, Template
from chalice.utils import to_cfn_resource_name

from chalicelib.workflow import definitions
from infrastructure import constants
from tests.infrastructure.conftest import STAGE, Synth

ENV_KEYS = {
    "EMS_STAGE",
    "EMS_TABLE_PREFIX",
    "EMS_JWT_ISSUER",
    "EMS_JWT_AUDIENCE",
    "EMS_JWKS_URL",
    "EMS_STATE_MACHINES",
    "EMS_MQTT_PUBLISH",
    "EMS_EVENT_BUS",
    "EMS_QR_KEYS_SECRET",
    "EMS_PUBLIC_BASE_URL",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
}


def test_every_function_runs_python311_traced_with_the_runtime_environment(synth: Synth) -> None:
    functions = synth.resources("stateless", "AWS::Serverless::Function")
    assert "APIHandler" in functions
    for props in (f["Properties"] for f in functions.values()):
        assert props["Runtime"] == "python3.11"
        assert props["Tracing"] == "Active"
        env = props["Environment"]["Variables"]
        assert set(env) >= ENV_KEYS
        assert env["EMS_STAGE"] == STAGE and env["EMS_TABLE_PREFIX"] == f"ems-{STAGE}-"
        assert env["EMS_MQTT_PUBLISH"] == "iot-data" and env["POWERTOOLS_METRICS_NAMESPACE"] == "EMS"
        machines = json.dumps(env["EMS_STATE_MACHINES"])
        assert all(f"stateMachine:ems-{STAGE}-{name}" in machines for name in definitions.names())


def test_each_function_has_an_encrypted_log_group_with_retention(synth: Synth) -> None:
    groups = synth.resources("stateless", "AWS::Logs::LogGroup")
    assert len(groups) >= len(synth.resources("stateless", "AWS::Serverless::Function"))
    for group in groups.values():
        # WAF's log of blocked requests holds client IPs and is kept shorter (tests/infrastructure/test_intake.py).
        waf = "aws-waf-logs-" in json.dumps(group["Properties"].get("LogGroupName"))
        assert "KmsKeyId" in group["Properties"] and group["Properties"]["RetentionInDays"] >= (90 if waf else 365)


def test_every_function_has_its_own_role_without_chalices_inline_policy(synth: Synth) -> None:
    functions = synth.resources("stateless", "AWS::Serverless::Function")
    roles = {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()}
    assert len(roles) == len(functions) and "DefaultRole" not in synth.templates["stateless"]["Resources"]
    for role in roles:
        # Chalice's inline policy allowed logs on arn:*:logs:*:*:*; each role has one managed policy instead.
        assert "Policies" not in synth.templates["stateless"]["Resources"][role]["Properties"]
    policies = synth.function_policies()
    assert len({logical for logical, _ in policies.values()}) == len(functions)
    for function, (_, policy) in policies.items():
        assert policy["Properties"]["Roles"] == [{"Ref": functions[function]["Properties"]["Role"]["Fn::GetAtt"][0]}]


def test_task_responses_only_for_the_functions_that_complete_task_tokens(synth: Synth) -> None:
    from infrastructure import access
    from infrastructure.constructs.api import logical_id
    from infrastructure.constructs.grants import TASK_RESPONSE

    derived = access.derive()
    for name, reach in derived.items():
        granted = any(set(TASK_RESPONSE) & set(_list(s["Action"])) for s in synth.function_statements(logical_id(name)))
        assert granted == (access.Capability.TASK_RESPONSES in reach), name
    assert any(access.Capability.TASK_RESPONSES not in reach for reach in derived.values())


def test_functions_publish_only_below_the_ems_topic_tree(synth: Synth) -> None:
    statements = [s for s in synth.function_statements() if s["Action"] == "iot:Publish"]
    assert statements and [s for s in synth.function_statements("APIHandler") if s in statements]
    for statement in statements:
        resource = statement["Resource"]
        assert resource != "*" and ':topic/ems/*"' in json.dumps(resource)


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def test_api_is_regional_traced_logged_and_answers_in_the_error_shape(synth: Synth) -> None:
    (api,) = synth.resources("stateless", "AWS::Serverless::Api").values()
    props = api["Properties"]
    assert props["EndpointConfiguration"] == "REGIONAL" and props["TracingEnabled"] is True
    assert "DestinationArn" in props["AccessLogSetting"]
    responses = props["GatewayResponses"]
    missing = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert missing["StatusCode"] == "404"
    assert json.loads(missing["ResponseTemplates"]["application/json"]) == {
        "error": {"code": "not_found", "message": "no such route"}
    }
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        body = responses[kind]["ResponseTemplates"]["application/json"].replace("$context.error.messageString", '"m"')
        assert set(json.loads(body)["error"]) == {"code", "message"}


def test_one_standard_state_machine_per_definition_with_logging_and_tracing(synth: Synth) -> None:
    template = Template.from_json(synth.templates["stateless"])
    template.resource_count_is("AWS::StepFunctions::StateMachine", len(definitions.names()))
    for name in definitions.names():
        template.has_resource_properties(
            "AWS::StepFunctions::StateMachine",
            {
                "StateMachineName": f"ems-{STAGE}-{name}",
                "StateMachineType": "STANDARD",
                "TracingConfiguration": {"Enabled": True},
                "LoggingConfiguration": Match.object_like(
                    {"Level": "ALL", "IncludeExecutionData": False, "Destinations": Match.any_value()}
                ),
            },
        )


def test_every_placeholder_in_each_definition_is_substituted(synth: Synth) -> None:
    machines = {
        m["Properties"]["StateMachineName"]: m["Properties"]
        for m in synth.resources("stateless", "AWS::StepFunctions::StateMachine").values()
    }
    for name in definitions.names():
        subs = machines[f"ems-{STAGE}-{name}"]["DefinitionSubstitutions"]
        placeholders = set(re.findall(r"\$\{([A-Za-z0-9_]+)\}", definitions.raw(name)))
        assert set(subs) == placeholders
        assert subs["Partition"] == {"Ref": "AWS::Partition"}
        for fn in definitions.functions(name):
            assert subs[f"fn_{fn}"] == {"Fn::GetAtt": [to_cfn_resource_name(fn), "Arn"]}


def test_the_canary_starts_every_minute_with_its_checks(synth: Synth) -> None:
    Template.from_json(synth.templates["stateless"]).has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": "rate(1 minute)",
            "Targets": [Match.object_like({"Input": json.dumps(constants.CANARY_INPUT, separators=(",", ":"))})],
        },
    )
