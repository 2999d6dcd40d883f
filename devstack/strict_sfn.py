"""Step Functions' error semantics for moto's local interpreter, and a record of the transitions taken.

moto runs the real ASL, but more leniently than AWS in two ways that hide definition bugs:

- On AWS, `States.Runtime` (a JSONPath not found in InputPath, Parameters, OutputPath, ResultPath ...)
  is terminal: no Retry retries it and no Catch catches it, `States.ALL` included, so the execution
  fails. moto matches it like any other error, so a failure path that reads a missing field
  (`"error.$": "$.error"`) is retried and caught locally and fails only on AWS.
  `States.DataLimitExceeded` is terminal for `States.ALL` too.
- On AWS, a Choice rule whose `Variable` is not in the input fails the execution with
  `States.Runtime` (only `IsPresent` may test a missing path). moto treats the rule as not matching
  and goes on to the next rule or the Default.

It also mends one place where moto is harsher than AWS: a Parallel whose branch fails with a `States.*`
error (a Task's `States.Timeout` under load, say) crashes moto's interpreter (`Custom Error Names MUST
NOT begin with the prefix 'States.'`) instead of raising that error to the Parallel's own Catch, so the
execution dies without its failure path. AWS hands the branch's error to the Parallel as it is.

`install()` makes the local interpreter fail as AWS does. With `EMS_SFN_TRANSITIONS_DIR` set, it also
appends every state-to-state transition taken (`{"machine", "from", "to"}`, once per process) to a
JSON-lines file in that directory, for `python -m devstack.transition_coverage`.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from pathlib import Path
from typing import Any

TRANSITIONS_DIR = "EMS_SFN_TRANSITIONS_DIR"
_lock = threading.Lock()
_seen: set[tuple[str, str, str]] = set()


def install() -> None:
    """Idempotent: patch moto's interpreter once per process."""
    _terminal_errors_never_match()
    _choice_on_missing_variable_fails()
    _parallel_keeps_states_errors()
    _record_transitions()


def _patch(cls: Any, name: str, make: Any) -> None:
    original = getattr(cls, name)
    if getattr(original, "_ems_strict", False):
        return
    patched: Any = functools.wraps(original)(make(original))
    patched._ems_strict = True
    setattr(cls, name, patched)


def _terminal_errors_never_match() -> None:
    """Every Retrier and Catcher asks ErrorEqualsDecl whether the error matches: terminal ones never do."""
    from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import ErrorEqualsDecl
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType as T,
    )

    def make(original: Any) -> Any:
        def eval_body(self: Any, env: Any) -> None:
            error = env.stack[-1]
            typ = error.typ if isinstance(error, StatesErrorName) else None
            catch_all = StatesErrorName(typ=T.StatesALL) in self.error_names
            if typ == T.StatesRuntime or (typ == T.StatesStatesDataLimitExceeded and catch_all):
                env.stack.pop()
                env.stack.append(False)
                return
            original(self, env)

        return eval_body

    _patch(ErrorEqualsDecl, "_eval_body", make)


def _choice_on_missing_variable_fails() -> None:
    from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEvent,
        FailureEventException,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType as T,
    )
    from moto.stepfunctions.parser.asl.component.state.choice.comparison.comparison_operator_type import (
        ComparisonOperatorType,
    )
    from moto.stepfunctions.parser.asl.component.state.choice.comparison.comparison_variable import (
        ComparisonVariable,
    )
    from moto.stepfunctions.parser.asl.component.state.choice.comparison.variable import NoSuchVariable
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    def make(original: Any) -> Any:
        def eval_body(self: Any, env: Any) -> None:
            self.variable.eval(env)
            sampled = env.stack[-1]
            if isinstance(sampled, NoSuchVariable) and self.comparison_function.operator_type not in (
                ComparisonOperatorType.IsPresent,
            ):
                path = self.variable.string_sampler.literal_value
                cause = f"Invalid path '{path}': The choice state's condition path references an invalid value."
                details = TaskFailedEventDetails(error=T.StatesRuntime.to_name(), cause=cause)
                raise FailureEventException(
                    FailureEvent(
                        env=env,
                        error_name=StatesErrorName(typ=T.StatesRuntime),
                        event_type=HistoryEventType.TaskFailed,
                        event_details=EventDetails(taskFailedEventDetails=details),  # type: ignore[typeddict-item]
                    )
                )
            self.comparison_function.eval(env)

        return eval_body

    _patch(ComparisonVariable, "_eval_body", make)


def _parallel_keeps_states_errors() -> None:
    """The Parallel names its branch's failure by the module-level `CustomErrorName`: name `States.*`
    errors as the interpreter's own, so the Parallel's Retry and Catch see them as AWS would."""
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl

    if getattr(branches_decl.CustomErrorName, "_ems_strict", False):
        return

    def error_name(error_name: str | None) -> Any:
        if error_name is not None and error_name.startswith("States."):
            return StatesErrorName.from_name(error_name)
        return CustomErrorName(error_name=error_name)

    error_name._ems_strict = True  # type: ignore[attr-defined]
    branches_decl.CustomErrorName = error_name  # type: ignore[assignment,misc]


def _record_transitions() -> None:
    """After a state, the interpreter's next state name is where the execution goes: Next, the Choice
    rule or Default that matched, or the Catch that caught (a retry stays in the state)."""
    from moto.stepfunctions.parser.asl.component.state.state import CommonStateField

    def make(original: Any) -> Any:
        def eval_body(self: Any, env: Any) -> None:
            original(self, env)
            if os.environ.get(TRANSITIONS_DIR) and env.is_running() and env.next_state_name not in (None, self.name):
                machine = env.states.context_object.context_object_data["StateMachine"]["Name"]
                _write(str(machine), str(self.name), str(env.next_state_name))

        return eval_body

    _patch(CommonStateField, "_eval_body", make)


def _write(machine: str, source: str, target: str) -> None:
    with _lock:
        if (machine, source, target) in _seen:
            return
        _seen.add((machine, source, target))
        folder = Path(os.environ[TRANSITIONS_DIR])
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"machine": machine, "from": source, "to": target}) + "\n"
        with (folder / f"transitions-{os.getpid()}.jsonl").open("a", encoding="utf-8") as f:
            f.write(line)
