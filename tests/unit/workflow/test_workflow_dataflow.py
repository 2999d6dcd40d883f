"""Every JSONPath a state reads exists on every path into it (devstack/asl_dataflow.py): on AWS a
missing one is States.Runtime, which fails the execution past any Catch. First the platform's
definitions, then the checker itself on small hand-written machines it must flag or pass."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.workflow import definitions
from devstack.asl_dataflow import EXECUTION_INPUTS, check, segments, value_paths

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:ems-test-{}"
FN = "arn:aws:states:::lambda:invoke"


def rendered(name: str) -> dict[str, Any]:
    fns = {fn: ARN.format(fn) for fn in definitions.functions(name)}
    return definitions.render(name, definitions.substitutions(name, "aws", fns))


@pytest.mark.parametrize("name", definitions.names())
def test_every_read_of_the_definition_exists_on_every_path(name: str) -> None:
    assert name in EXECUTION_INPUTS, "document the execution input its starts give"
    findings = check(rendered(name), EXECUTION_INPUTS[name], name)
    assert not findings, "\n".join(map(str, findings))


# -- the documented execution inputs are what the starts give ---------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.started: list[tuple[str, dict[str, Any]]] = []

    def start(self, machine: str, name: str, payload: dict[str, Any]) -> str:
        self.started.append((machine, payload))
        return f"arn:{name}"


def test_the_incident_workflow_is_started_with_the_documented_input() -> None:
    from chalicelib.incidents.logic import start_workflow

    starter = Recorder()
    start_workflow("INC1", starter=starter)  # type: ignore[arg-type]
    [(machine, payload)] = starter.started
    assert set(payload) == set(EXECUTION_INPUTS[machine])


def test_the_volunteer_rounds_are_started_with_the_documented_input(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import workflows
    from chalicelib.volunteers.service import start_round

    starter = Recorder()
    monkeypatch.setattr(workflows, "get_starter", lambda: starter)
    assert start_round("INC1")
    [(machine, payload)] = starter.started
    assert set(payload) == set(EXECUTION_INPUTS[machine]) and machine == "first_response"


def test_the_canary_is_started_with_the_documented_input() -> None:
    from chalicelib.platform.schemas import CanaryRequest
    from infrastructure.constants import CANARY_INPUT

    assert set(CANARY_INPUT) == set(CanaryRequest().model_dump()) == set(EXECUTION_INPUTS["platform_canary"])


# -- the checker ------------------------------------------------------------------------------------

START: dict[str, Any] = {"incident_id": {}}
RETRY = [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}]


def machine(start: str, **states: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": start, "States": states}


def task(payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": FN, "Parameters": {"FunctionName": "f", "Payload": payload}, **extra}


def flagged(definition: dict[str, Any], start: dict[str, Any] = START) -> set[tuple[str, str]]:
    return {(f.state, f.path) for f in check(definition, start, "m")}


FLAG = task({"incident_id.$": "$.incident_id", "error.$": "$.error"}, Next="Failed")
FAILED = {"Type": "Fail", "Error": "NeedsDispatcher"}
CATCH = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Flag"}]


def booking(default: str) -> dict[str, Any]:
    """The original shape: a Task caught into Flag, and a Choice whose Default goes there too."""
    return machine(
        "Offer",
        Offer=task(
            {"incident_id.$": "$.incident_id"},
            ResultSelector={"state.$": "$.Payload.state"},
            ResultPath="$.booking",
            Retry=RETRY,
            Catch=CATCH,
            Next="State",
        ),
        State={
            "Type": "Choice",
            "Choices": [{"Variable": "$.booking.state", "StringEquals": "accepted", "Next": "Done"}],
            "Default": default,
        },
        Exhausted={"Type": "Pass", "Result": {"Error": "NoHospitalAccepted"}, "ResultPath": "$.error", "Next": "Flag"},
        Flag=FLAG,
        Failed=FAILED,
        Done={"Type": "Succeed"},
    )


def test_flags_a_choice_default_into_a_state_that_reads_what_only_the_catch_gives() -> None:
    assert flagged(booking(default="Flag")) == {("m/Flag", "$.error")}


def test_passes_when_the_default_carries_its_own_error() -> None:
    assert flagged(booking(default="Exhausted")) == set()


def test_flags_a_read_after_a_catch_that_replaced_the_input() -> None:
    no_result_path = [{"ErrorEquals": ["States.ALL"], "Next": "Flag"}]  # the input becomes {Error, Cause}
    definition = machine(
        "A", A=task({}, Catch=no_result_path, Next="Done"), Flag=FLAG, Failed=FAILED, Done={"Type": "Succeed"}
    )
    assert flagged(definition) == {("m/Flag", "$.incident_id"), ("m/Flag", "$.error")}


def test_a_catch_result_path_keeps_the_input_beside_the_error() -> None:
    definition = machine("A", A=task({}, Catch=CATCH, Next="Done"), Flag=FLAG, Failed=FAILED, Done={"Type": "Succeed"})
    assert flagged(definition) == set()


def test_flags_a_read_that_a_loop_back_edge_does_not_provide() -> None:
    definition = machine(
        "Seed",
        Seed={"Type": "Pass", "Result": 3, "ResultPath": "$.wait_s", "Next": "Wait"},
        Wait={"Type": "Wait", "SecondsPath": "$.wait_s", "Next": "Again"},
        Again={"Type": "Pass", "Result": {"incident_id": "x"}, "Next": "Wait"},  # replaces the input: no wait_s
    )
    assert flagged(definition) == {("m/Wait", "$.wait_s")}


def test_passes_a_loop_whose_every_turn_provides_the_read() -> None:
    definition = machine(
        "Round",
        Round=task(
            {"incident_id.$": "$.incident_id"},
            ResultSelector={"wait_s.$": "$.Payload.wait_s"},
            ResultPath="$.round",
            Next="Wait",
        ),
        Wait={"Type": "Wait", "SecondsPath": "$.round.wait_s", "Next": "Round"},
    )
    assert flagged(definition) == set()


def test_flags_choice_variables_timeouts_output_paths_and_intrinsic_arguments() -> None:
    definition = machine(
        "Route",
        Route={
            "Type": "Choice",
            "Choices": [
                {"Not": {"Variable": "$.a", "IsNull": True}, "Next": "Wait"},
                {"Variable": "$.incident_id", "StringEqualsPath": "$.b", "Next": "Wait"},
            ],
            "Default": "Wait",
        },
        Wait=task(
            {"msg.$": "States.Format('{} at {}', $.incident_id, $.c)", "id.$": "$$.Execution.Id"},
            TimeoutSecondsPath="$.d",
            ResultPath=None,
            OutputPath="$.e",
            End=True,
        ),
    )
    assert flagged(definition) == {
        ("m/Route", "$.a"),
        ("m/Route", "$.b"),
        ("m/Wait", "$.c"),
        ("m/Wait", "$.d"),
        ("m/Wait", "$.e"),
    }


def test_is_present_guards_its_rule_and_its_branch() -> None:
    definition = machine(
        "Route",
        Route={
            "Type": "Choice",
            "Choices": [{"Variable": "$.booking", "IsPresent": True, "Next": "Use"}],
            "Default": "Done",
        },
        Use=task({"booking.$": "$.booking"}, End=True),
        Done={"Type": "Succeed"},
    )
    assert flagged(definition) == set()
    definition["States"]["Done"] = {"Type": "Pass", "Parameters": {"b.$": "$.booking"}, "End": True}
    assert flagged(definition) == {("m/Done", "$.booking")}


def test_reads_below_a_task_result_are_trusted_and_beside_it_are_not() -> None:
    definition = machine(
        "Ask",
        Ask=task({}, ResultPath="$.answer", Next="Use"),
        Use={"Type": "Pass", "Parameters": {"x.$": "$.answer.Payload.deep.field", "y.$": "$.other"}, "End": True},
    )
    assert flagged(definition) == {("m/Use", "$.other")}


def test_input_path_and_parameters_reshape_what_the_state_reads() -> None:
    definition = machine(
        "Narrow",
        Narrow={"Type": "Pass", "Parameters": {"inner": {"id.$": "$.incident_id"}}, "Next": "Read"},
        Read={
            "Type": "Pass",
            "InputPath": "$.inner",
            "Parameters": {"id.$": "$.id", "lost.$": "$.incident_id"},
            "End": True,
        },
    )
    assert flagged(definition) == {("m/Read", "$.incident_id")}


def test_parallel_branches_read_the_parallel_input_and_its_result_selector_their_outputs() -> None:
    branch_a = machine("A", A=task({"id.$": "$.incident_id"}, ResultPath="$.dispatch", End=True))
    branch_b = machine("B", B={"Type": "Pass", "Parameters": {"z.$": "$.missing"}, "End": True})
    definition = machine(
        "Both",
        Both={
            "Type": "Parallel",
            "Branches": [branch_a, branch_b],
            "ResultPath": "$.both",
            "Next": "Done",
            "ResultSelector": {"d.$": "$[0].dispatch", "z.$": "$[1].z", "nope.$": "$[1].dispatch"},
        },
        Done={"Type": "Pass", "Parameters": {"d.$": "$.both.d", "id.$": "$.incident_id"}, "End": True},
    )
    assert flagged(definition) == {("m/Both/B", "$.missing"), ("m/Both", "$[1].dispatch")}


def test_map_item_selector_reads_the_map_input() -> None:
    item = machine("Each", Each={"Type": "Pass", "Parameters": {"v.$": "$.value", "w.$": "$.gone"}, "End": True})
    definition = machine(
        "Every",
        Every={
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": item,
            "End": True,
            "ItemSelector": {"value.$": "$$.Map.Item.Value", "id.$": "$.incident_id"},
        },
    )
    assert flagged(definition) == {("m/Every", "$.items"), ("m/Every/Each", "$.gone")}


def test_jsonpaths_split_into_fields() -> None:
    assert segments("$.a.b[0]['c d']") == ["a", "b", "[0]", "c d"]
    assert segments("$") == [] and segments("$$.Task.Token") is None
    assert segments("$.items[*].id") == ["items"]  # only the fixed prefix must exist
    assert value_paths("States.Format('{}, $.not_a_path', $.a, States.JsonToString($.b))") == ["$.a", "$.b"]
