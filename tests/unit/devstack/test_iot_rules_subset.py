"""The gate between iot_rules/ and the local bridge: every rule must stay inside the IoT SQL subset the
bridge evaluates, carry an errorAction, and target only handlers the Chalice app registers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from devstack.iot_sql import SQL_VERSION, UnsupportedSql, parse
from iot_rules import load_rules, rule_functions

RULES = load_rules()


def _registered_functions() -> set[str]:
    from app import app  # imported lazily so collecting this module never builds the app

    return {fn.name for fn in app.pure_lambda_functions}


def check_rule(rule: dict[str, Any]) -> None:
    """Everything the bridge (and CloudFormation) needs from one rule; raises on the first gap."""
    assert re.fullmatch(r"[A-Za-z0-9_]+", rule["name"]), "IoT rule names allow letters, digits and _ only"
    assert "errorAction" in rule, "every rule needs an errorAction, as on IoT Core"
    assert rule["sqlVersion"] == SQL_VERSION
    parse(rule["sql"], rule["sqlVersion"])
    assert rule["actions"], "a rule without actions does nothing"
    for action in [*rule["actions"], rule["errorAction"]]:
        assert len(action) == 1 and next(iter(action)) in ("lambda", "sqs"), f"unsupported action {action}"
    assert "sqs" in rule["errorAction"] and rule["errorAction"]["sqs"]["queue"], "errorAction must name a queue"


def test_there_are_rules_and_their_names_are_unique() -> None:
    names = [rule["name"] for rule in RULES]
    assert names and len(names) == len(set(names))


@pytest.mark.parametrize("rule", RULES, ids=[r["name"] for r in RULES])
def test_rule_stays_inside_the_bridge_subset(rule: dict[str, Any]) -> None:
    check_rule(rule)


@pytest.mark.parametrize("rule", RULES, ids=[r["name"] for r in RULES])
def test_rule_targets_registered_lambda_handlers(rule: dict[str, Any]) -> None:
    assert set(rule_functions(rule)) <= _registered_functions()


HEARTBEAT = next(r for r in RULES if r["name"] == "platform_heartbeat")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"sql": "SELECT upper(source) AS s FROM 'ems/platform/heartbeat'"}, UnsupportedSql),
        ({"sql": "SELECT * FROM 'ems/#' WHERE seq IS NOT NULL"}, UnsupportedSql),
        ({"sqlVersion": "2015-10-08"}, AssertionError),
        ({"errorAction": {"republish": {"topic": "errors"}}}, AssertionError),
        ({"actions": [{"dynamoDBv2": {"putItem": {"tableName": "t"}}}]}, AssertionError),
        ({"actions": []}, AssertionError),
        ({"name": "platform-heartbeat"}, AssertionError),
    ],
)
def test_the_gate_fails_a_rule_that_uses_more(change: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        check_rule({**HEARTBEAT, **change})


def test_the_gate_fails_a_rule_without_error_action() -> None:
    with pytest.raises(AssertionError, match="errorAction"):
        check_rule({k: v for k, v in HEARTBEAT.items() if k != "errorAction"})


def test_the_bridge_refuses_such_a_rule_at_startup_before_any_connection() -> None:
    from devstack.mqtt_bridge import Bridge

    rule = {**HEARTBEAT, "sql": "SELECT upper(source) AS s FROM 'ems/platform/heartbeat'"}
    with pytest.raises(UnsupportedSql, match=r"upper\(\)"):
        Bridge([rule], host="127.0.0.1", port=1883, invoke=print, dead_letter=print)


def test_the_gate_fails_a_lambda_action_without_a_handler() -> None:
    rule = {**HEARTBEAT, "actions": [{"lambda": {"function": "no_such_handler"}}]}
    assert not set(rule_functions(rule)) <= _registered_functions()
