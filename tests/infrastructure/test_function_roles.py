"""Each function's own role allows every AWS call the function made in the integration and
end-to-end tests, and the grants no call exercised are written down in docs/architecture.md.

Runs after the tests that record (`EMS_AWS_CALLS_DIR`, `devstack.aws_calls`): `make test` runs
this file in a second pytest invocation over what the first one recorded. Without a recording
it skips. `EMS_GRANTS_REPORT=write` (set by `make test`) refreshes the doc's section first.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from infrastructure import grants_report
from infrastructure.policy_check import Templates, Verdict
from tests.infrastructure.conftest import REGIONS, _synth


def _calls_dir() -> Path:
    return Path(os.environ.get("EMS_AWS_CALLS_DIR") or grants_report.CALLS_DIR)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Templates, Verdict]:
    if not any(_calls_dir().glob("calls-*.jsonl")):
        pytest.skip(f"no recorded AWS calls in {_calls_dir()} (make test records them)")
    # One region is enough: the policies differ by partition only, which the evaluator resolves.
    synth = _synth(REGIONS["cn"], tmp_path_factory.mktemp("roles"))
    templates = grants_report.templates_of(synth.templates, synth.region)
    return templates, grants_report.check(templates, _calls_dir())


def test_calls_were_recorded_for_the_api_and_for_functions_run_by_workflows(checked: Any) -> None:
    _, verdict = checked
    assert "api_handler" in verdict.callers
    assert len(verdict.callers) > 1, verdict.callers


def test_every_recorded_call_is_allowed_by_its_functions_own_role(checked: Any) -> None:
    _, verdict = checked
    denied = "\n".join(f"{fn}: {action} on {resource}" for fn, action, resource in sorted(set(verdict.denied)))
    assert not verdict.denied, f"{len(verdict.denied)} of {verdict.requests} recorded requests denied:\n{denied}"


def test_the_unused_grants_section_of_the_architecture_doc_is_current(checked: Any) -> None:
    templates, verdict = checked
    current = grants_report.DOC.read_text("utf-8")
    expected = grants_report.replace_section(current, grants_report.section(verdict, templates))
    if os.environ.get("EMS_GRANTS_REPORT") == "write" and expected != current:
        grants_report.DOC.write_text(expected, "utf-8")
        current = expected
    assert current == expected, "stale: run `python -m infrastructure.grants_report` after `make test`"
