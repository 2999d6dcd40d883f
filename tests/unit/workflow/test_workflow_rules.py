"""Platform rules for every Step Functions definition, checked statically on the rendered ASL.

Each rule is parametrized per definition or per state, so a failure names the state that breaks it.
"""

from __future__ import annotations

from typing import Any

import pytest

import app as app_module
from chalicelib.workflow import definitions
from devstack.lambda_adapter import chalice_handlers

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:ems-test-{}"
DEFS: dict[str, dict[str, Any]] = {
    name: definitions.render(
        name, definitions.substitutions(name, "aws", {fn: ARN.format(fn) for fn in definitions.functions(name)})
    )
    for name in definitions.names()
}
STATES = [(name, state, body) for name, d in DEFS.items() for state, body in d["States"].items()]
# States inside Parallel branches: linked within their branch; their errors reach the Parallel's Catch.
BRANCHES = [
    (f"{name}/{state}", b) for name, state, body in STATES if body["Type"] == "Parallel" for b in body["Branches"]
]
BRANCH_STATES = [(scope, state, body) for scope, b in BRANCHES for state, body in b["States"].items()]
TASKS = [s for s in STATES if s[2]["Type"] == "Task"]
CATCHERS = [s for s in STATES if s[2]["Type"] in ("Task", "Parallel")]
ALL_TASKS = TASKS + [s for s in BRANCH_STATES if s[2]["Type"] == "Task"]
WAITS = [s for s in TASKS if s[2]["Resource"].endswith(".waitForTaskToken")]
# Where a definition's failures must end: (handler Task that records the failure, Fail state).
FAILURE_PATH = {
    "call_to_admission": ("FlagNeedsDispatcher", "NeedsDispatcher"),
    "first_response": ("TellDesk", "AlertingFailed"),
}


def ids(cases: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    return [f"{name}:{state}" for name, state, _ in cases]


def targets(body: dict[str, Any]) -> list[str]:
    found = [body[k] for k in ("Next", "Default") if k in body]
    found += [c["Next"] for c in body.get("Choices", []) + body.get("Catch", [])]
    return found


def reachable(definition: dict[str, Any]) -> set[str]:
    seen, todo = set(), [definition["StartAt"]]
    while todo:
        state = todo.pop()
        if state not in seen and state in definition["States"]:
            seen.add(state)
            todo += targets(definition["States"][state])
    return seen


def next_chain(definition: dict[str, Any], start: str) -> list[str]:
    """States visited from `start` following only `Next`, until a state without one (or a loop)."""
    chain = [start]
    while "Next" in definition["States"][chain[-1]] and chain[-1] not in chain[:-1]:
        chain.append(definition["States"][chain[-1]]["Next"])
    return chain


def catches(body: dict[str, Any], error: str) -> list[dict[str, Any]]:
    return [c for c in body.get("Catch", []) if error in c["ErrorEquals"]]


@pytest.mark.parametrize("name", DEFS)
def test_definition_has_a_global_timeout(name: str) -> None:
    assert isinstance(DEFS[name].get("TimeoutSeconds"), int) and DEFS[name]["TimeoutSeconds"] > 0


@pytest.mark.parametrize("name", DEFS)
def test_placeholders_name_chalice_lambda_functions(name: str) -> None:
    known = set(chalice_handlers(app_module.app))
    assert set(definitions.functions(name)) <= known, f"unknown: {set(definitions.functions(name)) - known}"


@pytest.mark.parametrize(("name", "state", "body"), STATES, ids=ids(STATES))
def test_state_is_linked(name: str, state: str, body: dict[str, Any]) -> None:
    assert state in reachable(DEFS[name]), "unreachable from StartAt"
    missing = [t for t in targets(body) if t not in DEFS[name]["States"]]
    assert not missing, f"links to missing states {missing}"
    if body["Type"] == "Choice":
        assert "Default" in body, "Choice without Default"
    elif body["Type"] not in ("Succeed", "Fail"):
        assert "Next" in body or body.get("End") is True, "neither Next nor End"


@pytest.mark.parametrize(("scope", "state", "body"), BRANCH_STATES, ids=ids(BRANCH_STATES))
def test_branch_state_is_linked(scope: str, state: str, body: dict[str, Any]) -> None:
    branch = next(b for s, b in BRANCHES if s == scope and state in b["States"])
    assert state in reachable(branch), "unreachable from the branch's StartAt"
    assert all(t in branch["States"] for t in targets(body)), "links outside its branch"
    if body["Type"] not in ("Succeed", "Fail", "Choice"):
        assert "Next" in body or body.get("End") is True, "neither Next nor End"


@pytest.mark.parametrize(("name", "state", "body"), ALL_TASKS, ids=ids(ALL_TASKS))
def test_task_retries_with_jittered_backoff(name: str, state: str, body: dict[str, Any]) -> None:
    assert body.get("Retry"), "no Retry"
    for retrier in body["Retry"]:
        assert retrier.get("MaxAttempts", 3) >= 1, retrier
        assert retrier.get("BackoffRate", 2.0) >= 1.5, retrier
        assert retrier.get("JitterStrategy") == "FULL", retrier


@pytest.mark.parametrize(("name", "state", "body"), ALL_TASKS, ids=ids(ALL_TASKS))
def test_task_has_timeout(name: str, state: str, body: dict[str, Any]) -> None:
    # A Lambda invoke or a task-token wait without a timeout can hang until the execution times out.
    assert "TimeoutSeconds" in body or "TimeoutSecondsPath" in body


@pytest.mark.parametrize(("name", "state", "body"), CATCHERS, ids=ids(CATCHERS))
def test_task_catch_all_ends_in_fail(name: str, state: str, body: dict[str, Any]) -> None:
    assert body.get("Catch") and body["Catch"][-1]["ErrorEquals"] == ["States.ALL"], "last Catch is not States.ALL"
    definition = DEFS[name]
    chain = next_chain(definition, body["Catch"][-1]["Next"])
    assert definition["States"][chain[-1]]["Type"] == "Fail", f"catch-all path {chain} does not end in a Fail"
    if name in FAILURE_PATH:
        handler, fail = FAILURE_PATH[name]
        assert chain[-1] == fail, f"catch-all path {chain} does not end in {fail}"
        assert state == handler or handler in chain, f"catch-all path {chain} skips {handler}"


@pytest.mark.parametrize(("name", "state", "body"), WAITS, ids=ids(WAITS))
def test_wait_for_task_token_escalates_on_timeout(name: str, state: str, body: dict[str, Any]) -> None:
    # Retrying a timed-out wait would wait again instead of escalating.
    for retrier in body.get("Retry", []):
        assert not {"States.ALL", "States.Timeout"} & set(retrier["ErrorEquals"]), retrier
    on_timeout = catches(body, "States.Timeout")
    assert on_timeout, "no Catch for States.Timeout"
    assert DEFS[name]["States"][on_timeout[0]["Next"]]["Type"] == "Task", "timeout does not escalate to a Task"
