"""Static data-flow check of Step Functions definitions (JSONPath): every path a state reads must exist
on every path into it, or AWS fails the execution with `States.Runtime`, which no Catch catches.

A forward "must-exist" analysis over the state graph. The fact at a state is the shape of its input:
the fields that exist whatever way the execution came. It starts from the execution input, each state
turns its input shape into its output shape (InputPath, Parameters, Result, ResultSelector, ResultPath,
OutputPath, as the interpreter applies them), every edge carries it (Next, each Choice rule and the
Default, each Catch with its ResultPath), joins intersect and loops run to a fixpoint. Parallel and
Map branches are analysed the same way from the branch input. Then every read is checked against the
shape: InputPath, Parameters/ItemSelector `.$` values (intrinsic function arguments included), Choice
variables and `...Path` comparisons (a rule's own IsPresent guards its path), TimeoutSecondsPath,
HeartbeatSecondsPath, Wait SecondsPath/TimestampPath, ItemsPath, OutputPath, Fail ErrorPath/CausePath,
and a Parallel's ResultSelector (which reads the branches' outputs).

What a Task returns (a Lambda payload, a task token's output) is not known here: below a Task's
result every read is trusted. A Task's ResultSelector reads that result and is not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Shape = dict[str, Any]  # field -> Shape; the key OPEN (True) means "may hold more than listed"
OPEN = "*"
_SCALAR: Shape = {}
_UNKNOWN: Shape = {OPEN: True}
_ERROR: Shape = {"Error": {}, "Cause": {}}  # what a Catch passes on

# What each state machine is started with: the fields every start gives.
EXECUTION_INPUTS: dict[str, Shape] = {
    # chalicelib/incidents/logic.py start_workflow (a call, a dispatcher's incident, the reconciler)
    "call_to_admission": {"incident_id": {}},
    # chalicelib/volunteers/service.py start_round (AlertResponders, an assessment finding an arrest)
    "first_response": {"incident_id": {}, "generation": {}},
    # the schedule (infrastructure/constants.py CANARY_INPUT, devstack/scheduler.py) and POST /v1/platform/canary-runs
    "platform_canary": {"checks": {}},
}


@dataclass(frozen=True)
class Finding:
    state: str
    field: str
    path: str

    def __str__(self) -> str:
        return f"{self.state}: {self.field} reads {self.path}, which is not there on every path into it"


# -- shapes -----------------------------------------------------------------------------------------

_SEGMENT = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")


def segments(path: str) -> list[str] | None:
    """`$.a.b[0]` -> ["a", "b", "[0]"]; None for the context object (`$$`). Stops before a wildcard,
    slice, filter or descent: only the fixed prefix of such a path must exist."""
    if path.startswith("$$"):
        return None
    out, at = [], 1
    while at < len(path):
        m = _SEGMENT.match(path, at)
        if m is None:
            break
        name, index, quoted, dquoted = m.groups()
        out.append(f"[{index}]" if index is not None else next(s for s in (name, quoted, dquoted) if s is not None))
        at = m.end()
    return out


def shape_of(value: Any) -> Shape:
    """The shape of a literal (a Pass Result, a static Parameters value)."""
    if isinstance(value, dict):
        return {k: shape_of(v) for k, v in value.items()}
    if isinstance(value, list):
        return {f"[{i}]": shape_of(v) for i, v in enumerate(value)}
    return _SCALAR


def exists(shape: Shape, segs: list[str]) -> bool:
    for seg in segs:
        if seg not in shape:
            return bool(shape.get(OPEN))
        shape = shape[seg]
    return True


def subtree(shape: Shape, segs: list[str]) -> Shape:
    for seg in segs:
        if seg not in shape:
            return _UNKNOWN  # missing (reported by the read) or below a trusted result
        shape = shape[seg]
    return shape


def place(shape: Shape, segs: list[str], value: Shape) -> Shape:
    """ResultPath: `value` at `segs` in `shape` (intermediate fields created, as the interpreter does)."""
    if not segs:
        return value
    inner = shape.get(segs[0], _SCALAR)
    return {**shape, segs[0]: place(inner, segs[1:], value)}


def meet(a: Shape, b: Shape) -> Shape:
    """What exists on both paths. An open side trusts fields it does not list, so the other side's count."""
    out: Shape = {}
    for key in set(a) | set(b):
        if key == OPEN:
            continue
        if key in a and key in b:
            out[key] = meet(a[key], b[key])
        elif key in a and b.get(OPEN):
            out[key] = a[key]
        elif key in b and a.get(OPEN):
            out[key] = b[key]
    if a.get(OPEN) and b.get(OPEN):
        out[OPEN] = True
    return out


# -- reads ------------------------------------------------------------------------------------------

_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")
_ARG_PATH = re.compile(r"\$\$?[^,\s()]*")


def value_paths(value: str) -> list[str]:
    """The JSONPaths a `.$` value reads: itself, or an intrinsic function's path arguments."""
    if value.startswith("States."):
        return _ARG_PATH.findall(_QUOTED.sub("''", value))
    return [value]


class Reads:
    """Checks reads of one state against its input shape; records findings only when `sink` is given."""

    def __init__(self, state: str, sink: list[Finding] | None) -> None:
        self.state, self.sink = state, sink

    def path(self, shape: Shape, path: str, field: str) -> Shape:
        segs = segments(path)
        if segs is None:
            return _UNKNOWN
        if not exists(shape, segs):
            if self.sink is not None:
                self.sink.append(Finding(self.state, field, path))
            return _UNKNOWN
        return subtree(shape, segs)

    def template(self, shape: Shape, template: Any, field: str) -> Shape:
        """A Parameters / ItemSelector / ResultSelector object: its shape, checking each `.$` value."""
        if isinstance(template, list):
            return {f"[{i}]": self.template(shape, v, f"{field}[{i}]") for i, v in enumerate(template)}
        if not isinstance(template, dict):
            return _SCALAR
        out: Shape = {}
        for key, value in template.items():
            if key.endswith(".$") and isinstance(value, str):
                found = [self.path(shape, p, f"{field}.{key}") for p in value_paths(value)]
                out[key[:-2]] = found[0] if found and not value.startswith("States.") else _UNKNOWN
            else:
                out[key] = self.template(shape, value, f"{field}.{key}")
        return out


# -- states -----------------------------------------------------------------------------------------

PATH_FIELDS = {
    "Task": ("TimeoutSecondsPath", "HeartbeatSecondsPath"),
    "Wait": ("SecondsPath", "TimestampPath"),
    "Map": ("ItemsPath", "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"),
}


@dataclass
class Step:
    """A state's outgoing edges with the shape each carries, and its output when it ends its scope."""

    edges: list[tuple[str, Shape]]
    end: Shape | None = None


def transfer(body: dict[str, Any], raw: Shape, reads: Reads) -> Step:
    kind = body["Type"]
    if kind == "Fail":
        for field in ("ErrorPath", "CausePath"):
            if field in body:
                reads.path(raw, body[field], field)
        return Step([])
    eff = _input_path(body, raw, reads)
    for field in PATH_FIELDS.get(kind, ()):
        if field in body:
            reads.path(eff, body[field], field)
    if kind == "Choice":
        return _choice(body, eff, reads)
    if kind in ("Wait", "Succeed"):
        return _continue(body, _output_path(body, eff, reads))
    result = _result(body, eff, reads)
    out = _output_path(body, _result_path(raw, body.get("ResultPath", "$"), result), reads)
    step = _continue(body, out)
    for catcher in body.get("Catch", []):
        step.edges.append((catcher["Next"], _result_path(raw, catcher.get("ResultPath", "$"), _ERROR)))
    return step


def _input_path(body: dict[str, Any], raw: Shape, reads: Reads) -> Shape:
    if "InputPath" not in body:
        return raw
    return {} if body["InputPath"] is None else reads.path(raw, body["InputPath"], "InputPath")


def _output_path(body: dict[str, Any], out: Shape, reads: Reads) -> Shape:
    if "OutputPath" not in body:
        return out
    return {} if body["OutputPath"] is None else reads.path(out, body["OutputPath"], "OutputPath")


def _result_path(raw: Shape, result_path: str | None, result: Shape) -> Shape:
    if result_path is None:
        return raw
    segs = segments(result_path)
    return place(raw, segs or [], result)


def _continue(body: dict[str, Any], out: Shape) -> Step:
    if "Next" in body:
        return Step([(body["Next"], out)])
    return Step([], end=out)


def _result(body: dict[str, Any], eff: Shape, reads: Reads) -> Shape:
    kind = body["Type"]
    params = body.get("ItemSelector", body.get("Parameters")) if kind == "Map" else body.get("Parameters")
    effective = reads.template(eff, params, "Parameters") if params is not None else eff
    if kind == "Pass":
        return shape_of(body["Result"]) if "Result" in body else effective
    if kind == "Parallel":
        outs = [branch_output(b, effective, reads) for b in body["Branches"]]
        result: Shape = {f"[{i}]": out for i, out in enumerate(outs)}
        if "ResultSelector" in body:
            return reads.template(result, body["ResultSelector"], "ResultSelector")
        return result
    if kind == "Map":
        processor = body.get("ItemProcessor") or body["Iterator"]
        branch_output(processor, effective if params is not None else _UNKNOWN, reads)
    if "ResultSelector" in body:  # reads the Task's or Map's result, which is not known here
        return Reads(reads.state, None).template(_UNKNOWN, body["ResultSelector"], "ResultSelector")
    return _UNKNOWN


def _choice(body: dict[str, Any], eff: Shape, reads: Reads) -> Step:
    out = _output_path(body, eff, reads)
    edges = []
    for i, rule in enumerate(body.get("Choices", [])):
        guarded = _present(rule)
        _rule_reads(rule, eff, reads, f"Choices[{i}]", guarded)
        shape = out
        for path in guarded[True]:
            segs = segments(path) or []
            if not exists(shape, segs):
                shape = place(shape, segs, _SCALAR)  # there, its inside not known
        edges.append((rule["Next"], shape))
    if "Default" in body:
        edges.append((body["Default"], out))
    return Step(edges)


def _present(rule: dict[str, Any]) -> dict[bool, set[str]]:
    """Paths the rule tests with IsPresent: True ones exist on the rule's branch (if under no Or/Not)."""
    found: dict[bool, set[str]] = {True: set(), False: set()}
    if "IsPresent" in rule and "Variable" in rule:
        found[bool(rule["IsPresent"])].add(rule["Variable"])
    for sub in rule.get("And", []):
        for flag, paths in _present(sub).items():
            found[flag] |= paths
    for sub in rule.get("Or", []) + ([rule["Not"]] if "Not" in rule else []):
        for paths in _present(sub).values():
            found[False] |= paths  # guarded, but not known to exist on the branch
    return found


def _rule_reads(rule: dict[str, Any], eff: Shape, reads: Reads, field: str, guarded: dict[bool, set[str]]) -> None:
    tested = guarded[True] | guarded[False]
    if "Variable" in rule and "IsPresent" not in rule and rule["Variable"] not in tested:
        reads.path(eff, rule["Variable"], f"{field}.Variable")
    for key, value in rule.items():
        if key.endswith("Path") and isinstance(value, str):
            reads.path(eff, value, f"{field}.{key}")
    for i, sub in enumerate(rule.get("And", []) + rule.get("Or", [])):
        _rule_reads(sub, eff, reads, f"{field}[{i}]", guarded)
    if "Not" in rule:
        _rule_reads(rule["Not"], eff, reads, f"{field}.Not", guarded)


# -- graphs -----------------------------------------------------------------------------------------


def fixpoint(machine: dict[str, Any], start: Shape, scope: str) -> dict[str, Shape]:
    """The input shape of every reachable state: intersections at joins, iterated until stable."""
    facts: dict[str, Shape] = {machine["StartAt"]: start}
    todo = [machine["StartAt"]]
    while todo:
        name = todo.pop(0)
        step = transfer(machine["States"][name], facts[name], Reads(f"{scope}{name}", None))
        for target, shape in step.edges:
            joined = shape if target not in facts else meet(facts[target], shape)
            if target not in facts or joined != facts[target]:
                facts[target] = joined
                todo.append(target)
    return facts


def branch_output(machine: dict[str, Any], start: Shape, reads: Reads) -> Shape:
    """A branch's output (what all its ends share); checks its states when `reads` records findings."""
    facts = fixpoint(machine, start, f"{reads.state}/")
    ends: list[Shape] = []
    for name, shape in facts.items():
        step = transfer(machine["States"][name], shape, Reads(f"{reads.state}/{name}", reads.sink))
        if step.end is not None:
            ends.append(step.end)
    if not ends:
        return _UNKNOWN
    out = ends[0]
    for other in ends[1:]:
        out = meet(out, other)
    return out


def check(definition: dict[str, Any], execution_input: Shape, name: str = "") -> list[Finding]:
    """Every read of every state (branches included) that some path into it does not provide."""
    findings: list[Finding] = []
    branch_output(definition, execution_input, Reads(name, findings))
    return sorted(set(findings), key=lambda f: (f.state, f.field, f.path))
