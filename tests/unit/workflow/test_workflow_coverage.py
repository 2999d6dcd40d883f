"""Transition coverage of the state machines (devstack/transition_coverage.py): what counts as a
transition, how recorded ones are read back, and that every listed gap is a real transition."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.workflow import definitions
from devstack.transition_coverage import GAPS, report, taken, transitions

BRANCH = {
    "StartAt": "B1",
    "States": {
        "B1": {"Type": "Task", "Resource": "r", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B2"}], "End": True},
        "B2": {"Type": "Pass", "End": True},
    },
}


def test_next_choices_default_and_catches_are_transitions_retries_are_not() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Parallel", "Branches": [BRANCH], "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "T"}], "Default": "F"},
            "T": {
                "Type": "Task",
                "Resource": "r",
                "Retry": [{"ErrorEquals": ["States.ALL"]}],
                "Catch": [
                    {"ErrorEquals": ["States.Timeout"], "Next": "F"},
                    {"ErrorEquals": ["States.ALL"], "Next": "F"},
                ],
                "Next": "S",
            },
            "S": {"Type": "Succeed"},
            "F": {"Type": "Fail"},
        },
    }
    assert transitions(definition) == {("P", "C"), ("B1", "B2"), ("C", "T"), ("C", "F"), ("T", "F"), ("T", "S")}


def test_recorded_transitions_are_read_by_the_definition_their_machine_runs(tmp_path: Path) -> None:
    rows = [
        {"machine": "ems-test-call_to_admission", "from": "Register", "to": "FirstResponse"},
        {"machine": "ems-local-platform_canary", "from": "Probe", "to": "Healthy"},
        {"machine": "ems-test-strict-choice", "from": "Route", "to": "Other"},  # no definition: ignored
    ]
    (tmp_path / "transitions-1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[:2]), encoding="utf-8")
    (tmp_path / "transitions-2.jsonl").write_text(json.dumps(rows[2]) + "\n", encoding="utf-8")
    assert taken(tmp_path) == {
        ("call_to_admission", "Register", "FirstResponse"),
        ("platform_canary", "Probe", "Healthy"),
    }


def test_the_report_counts_per_machine_and_names_what_is_left() -> None:
    canary = {("platform_canary", a, b) for a, b in transitions(json.loads(definitions.raw("platform_canary")))}
    table = report(canary - {("platform_canary", "Probe", "RecordFailure")})
    assert "| platform_canary | 3 | 2 (66%) | `Probe -> RecordFailure`" in table


def test_every_listed_gap_is_a_transition_of_its_machine() -> None:
    every = {(n, a, b) for n in definitions.names() for a, b in transitions(json.loads(definitions.raw(n)))}
    assert set(GAPS) <= every, set(GAPS) - every
    assert all(reason.strip() for reason in GAPS.values())
