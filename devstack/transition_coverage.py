"""Which transitions of the state machines the tests take: `python -m devstack.transition_coverage`.

A transition is a state and a state it can go to: its Next, each Choice rule's Next and the Default,
each Catch's Next (Retry stays in the state). Several ways from one state to the same state are one
transition. The local interpreter records each one taken (devstack/strict_sfn.py, JSON lines in
`EMS_SFN_TRANSITIONS_DIR`), in-process (integration tests) and in a devstack subprocess (e2e) alike,
one file per process, so parallel test workers never share a file.

    python -m devstack.transition_coverage --run [PYTEST ARGS]   # run the tests recording, then report
    python -m devstack.transition_coverage DIR                   # report what DIR holds
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chalicelib.workflow import definitions
from devstack.strict_sfn import TRANSITIONS_DIR

Transition = tuple[str, str, str]  # machine, from, to

# The tests that run the workflows: integration on moto in-process, e2e on a devstack.
WORKFLOW_TESTS = [
    "tests/integration/workflow/test_workflow_journey.py",
    "tests/integration/workflow/test_workflow_needs_dispatcher.py",
    "tests/integration/workflow/test_workflow_failures.py",
    "tests/integration/workflow/test_workflow_paths.py",
    "tests/integration/platform/test_workflow_canary.py",
    "tests/integration/dispatch/test_dispatch_api.py",
    "tests/integration/volunteers/test_volunteers_api.py",
    "tests/e2e/test_workflow_and_mqtt.py",
]

# Transitions no test takes, each with the reason (none today). For any listed, the static rules still
# check where it leads (tests/unit/workflow/test_workflow_rules.py) and the data-flow check what it carries
# (tests/unit/workflow/test_workflow_dataflow.py).
GAPS: dict[Transition, str] = {}


def transitions(definition: dict[str, Any]) -> set[tuple[str, str]]:
    """Every (from, to) of a definition, its Parallel branches and Map processors included."""
    found: set[tuple[str, str]] = set()
    for name, body in definition["States"].items():
        targets = [body.get("Next"), body.get("Default")]
        targets += [c["Next"] for c in body.get("Choices", []) + body.get("Catch", [])]
        found |= {(name, t) for t in targets if t}
        for branch in body.get("Branches", []) + [b for b in (body.get("ItemProcessor"), body.get("Iterator")) if b]:
            found |= transitions(branch)
    return found


def machine_of(recorded: str) -> str | None:
    """The definition a deployed machine runs: its name ends with the definition's (after the prefix)."""
    matches = [n for n in definitions.names() if recorded.endswith(n)]
    return max(matches, key=len) if matches else None


def taken(folder: Path) -> set[Transition]:
    seen: set[Transition] = set()
    for file in sorted(folder.glob("*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            machine = machine_of(row["machine"])
            if machine is not None:
                seen.add((machine, row["from"], row["to"]))
    return seen


def rows(seen: set[Transition]) -> Iterator[tuple[str, int, int, list[Transition]]]:
    for name in definitions.names():
        every = {(name, a, b) for a, b in transitions(json.loads(definitions.raw(name)))}
        yield name, len(every), len(every & seen), sorted(every - seen)


def report(seen: set[Transition]) -> str:
    lines = ["| machine | transitions | covered | left, and why |", "| --- | --- | --- | --- |"]
    total = covered = 0
    for name, count, hit, left in rows(seen):
        total, covered = total + count, covered + hit
        why = "; ".join(f"`{a} -> {b}` ({GAPS.get((m, a, b), 'not listed in GAPS')})" for m, a, b in left) or "-"
        lines.append(f"| {name} | {count} | {hit} ({100 * hit // max(count, 1)}%) | {why} |")
    lines.append(f"| all | {total} | {covered} ({100 * covered // max(total, 1)}%) | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.transition_coverage", description=__doc__.split("\n")[0])
    parser.add_argument("dir", nargs="?", help="a folder of recorded transitions (default: a new one with --run)")
    parser.add_argument("--run", nargs=argparse.REMAINDER, help="run pytest (default: the workflow tests) recording")
    args = parser.parse_args(argv)
    folder = Path(args.dir or tempfile.mkdtemp(prefix="ems-transitions-"))
    if args.run is not None:
        env = {**os.environ, TRANSITIONS_DIR: str(folder)}
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *(args.run or WORKFLOW_TESTS)]
        code = subprocess.run(cmd, env=env, check=False).returncode
        if code:
            print(f"pytest exited {code}; the report covers what ran", file=sys.stderr)
    print(report(taken(folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
