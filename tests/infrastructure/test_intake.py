"""Call intake: QR key secret, function environment and grants, the reconcile schedule, the
call-to-admission workflow and the tables the intake domain registers."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest

from chalicelib import tables as catalog
from chalicelib.core import tables
from infrastructure.constructs.intake import KEY_CHARS, public_base_url
from infrastructure.settings import DeploySettings
from tests.infrastructure.conftest import STAGE, Synth


def _statements(synth: Synth) -> list[tuple[str, str, dict[str, Any]]]:
    """(stack kind, policy logical id, statement) for every IAM statement in both stacks."""
    out = []
    for kind in synth.templates:
        for type_ in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
            for logical, policy in synth.resources(kind, type_).items():
                out.extend((kind, logical, s) for s in policy["Properties"]["PolicyDocument"]["Statement"])
    return out


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else actions


def _function_policy(synth: Synth, function: str = "APIHandler") -> dict[str, Any]:
    """The managed policy of one function's own role (by logical id; default: the API's)."""
    return synth.function_policies()[function][1]


def test_the_qr_key_secret_is_generated_encrypted_with_the_data_key_and_retained(synth: Synth) -> None:
    secrets = synth.resources("stateful", "AWS::SecretsManager::Secret").values()
    (secret,) = [x for x in secrets if x["Properties"]["Name"] == f"ems-{STAGE}-qr-keys"]
    (key_id,) = synth.resources("stateful", "AWS::KMS::Key")
    props = secret["Properties"]
    assert props["Name"] == f"ems-{STAGE}-qr-keys"
    assert props["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert secret["DeletionPolicy"] == "Retain" and secret["UpdateReplacePolicy"] == "Retain"
    generate = props["GenerateSecretString"]
    # {"current": "k1", "k1": <44 of [A-Za-z0-9]>}: base64 of 33 random bytes.
    assert json.loads(generate["SecretStringTemplate"]) == {"current": "k1"}
    assert generate["GenerateStringKey"] == "k1" and generate["PasswordLength"] == KEY_CHARS
    assert generate["ExcludePunctuation"] is True and generate["IncludeSpace"] is False
    assert "SecretString" not in props  # never a value in the template


def test_only_the_functions_may_read_the_secret_and_only_its_value(synth: Synth) -> None:
    readers = [(kind, logical, s) for kind, logical, s in _statements(synth) if "secretsmanager" in json.dumps(s)]
    functions = {logical for logical, _ in synth.function_policies().values()}
    named = set()
    for kind, logical, statement in readers:
        assert kind == "stateless" and logical in functions
        assert _actions(statement) == ["secretsmanager:GetSecretValue"]
        resource = json.dumps(statement["Resource"])
        assert "*" not in resource
        named |= {n for n in ("QrKeysSecret", "IdentityKeySecret") if n in resource}
    assert named == {"QrKeysSecret", "IdentityKeySecret"}


def test_every_function_knows_the_secret_and_the_public_base_url(synth: Synth) -> None:
    functions = synth.resources("stateless", "AWS::Serverless::Function")
    for props in (f["Properties"] for f in functions.values()):
        env = props["Environment"]["Variables"]
        assert "QrKeysSecret" in env["EMS_QR_KEYS_SECRET"]["Fn::ImportValue"]
        assert env["EMS_PUBLIC_BASE_URL"] == {"Ref": "PublicBaseUrl"}
    param = synth.templates["stateless"]["Parameters"]["PublicBaseUrl"]
    assert param["Default"] == "" and param["AllowedPattern"] == r"^(https://\S+)?$"


def test_a_public_base_url_from_context_needs_no_parameter() -> None:
    stack = cdk.Stack(cdk.App())
    assert (
        public_base_url(stack, DeploySettings(public_base_url="https://call.example.cn")) == "https://call.example.cn"
    )
    assert not [c for c in stack.node.children if isinstance(c, cdk.CfnParameter)]
    assert cdk.Token.is_unresolved(public_base_url(stack, DeploySettings()))
    with pytest.raises(ValueError, match="public_base_url"):
        DeploySettings(public_base_url="http://call.example.cn")


def test_functions_may_start_the_call_to_admission_workflow(synth: Synth) -> None:
    statements = _function_policy(synth)["Properties"]["PolicyDocument"]["Statement"]
    (start,) = (s for s in statements if "states:StartExecution" in _actions(s))
    assert "states:DescribeExecution" not in _actions(start)
    assert f"stateMachine:ems-{STAGE}-call_to_admission" in json.dumps(start["Resource"])


def test_the_call_to_admission_machine_logs_traces_and_invokes_incident_registered(synth: Synth) -> None:
    machines = synth.resources("stateless", "AWS::StepFunctions::StateMachine").values()
    (machine,) = (
        m["Properties"] for m in machines if m["Properties"]["StateMachineName"].endswith("call_to_admission")
    )
    assert machine["TracingConfiguration"] == {"Enabled": True}
    assert machine["LoggingConfiguration"]["Level"] == "ALL"
    assert machine["LoggingConfiguration"]["IncludeExecutionData"] is False
    assert machine["DefinitionSubstitutions"]["fn_incident_registered"] == {"Fn::GetAtt": ["IncidentRegistered", "Arn"]}


def test_reconcile_runs_every_minute_with_its_log_group_alarm_and_tracing(synth: Synth) -> None:
    props = synth.templates["stateless"]["Resources"]["ReconcileIncidents"]["Properties"]
    assert props["Tracing"] == "Active"
    schedules = [e["Properties"]["Schedule"] for e in props["Events"].values() if e["Type"] == "Schedule"]
    assert schedules == ["rate(1 minute)"]  # SAM makes the EventBridge rule and the invoke permission
    groups = [
        logical
        for logical, g in synth.resources("stateless", "AWS::Logs::LogGroup").items()
        if {"Ref": "ReconcileIncidents"} in g["Properties"].get("LogGroupName", {}).get("Fn::Join", [[], []])[1]
    ]
    assert len(groups) == 1
    # Its own log group, in its own role's policy, and in no other function's.
    policies = {f: json.dumps(p) for f, (_, p) in synth.function_policies().items()}
    log_group = json.dumps({"Fn::GetAtt": [groups[0], "Arn"]})
    assert [f for f, p in policies.items() if log_group in p] == ["ReconcileIncidents"]
    alarms = [a["Properties"] for a in synth.resources("stateless", "AWS::CloudWatch::Alarm").values()]
    dimension = {"Name": "FunctionName", "Value": {"Ref": "ReconcileIncidents"}}
    assert any(a.get("MetricName") == "Errors" and dimension in a["Dimensions"] for a in alarms)


def test_intake_tables_exist_and_every_index_is_granted(synth: Synth) -> None:
    names = {r["Properties"]["TableName"] for r in synth.resources("stateful", "AWS::DynamoDB::Table").values()}
    assert {f"ems-{STAGE}-{t}" for t in ("incidents", "calls", "qr_revocations")} <= names
    statements = _function_policy(synth)["Properties"]["PolicyDocument"]["Statement"]
    (data,) = (s for s in statements if "dynamodb:Query" in _actions(s))
    granted = json.dumps(data["Resource"])
    for model in catalog.all_models():
        for index in tables.schema(model).get("global_secondary_indexes", []):
            assert f'/index/{index["index_name"]}"' in granted, (tables.logical_name(model), index["index_name"])
