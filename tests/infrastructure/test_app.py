"""The entry point and the packaging sandbox: synth leaves this process and the repo as it found them."""

from __future__ import annotations

import os
import sys

import pytest

from infrastructure.app import _parse_args
from infrastructure.chalice_project import REPO_ROOT
from infrastructure.settings import DeploySettings
from tests.infrastructure.conftest import Synth


def test_cli_context_and_output_are_parsed() -> None:
    assert _parse_args(["-c", "stage=prod", "--context", "region=cn-north-1", "-o", "out"]) == (
        {"stage": "prod", "region": "cn-north-1"},
        "out",
    )
    with pytest.raises(SystemExit):
        _parse_args(["--verbose"])


@pytest.mark.parametrize("stage", ["", "Prod", "p", "has-dash", "x" * 13])
def test_stage_names_that_would_break_physical_names_are_refused(stage: str) -> None:
    with pytest.raises(ValueError, match="stage"):
        DeploySettings(stage=stage)


def test_synth_leaves_no_trace_in_the_process_or_the_repo(synth: Synth) -> None:
    assert "EMS_STAGE" not in os.environ and "EMS_STATE_MACHINES" not in os.environ
    assert not any(str(synth.outdir.parent) in p for p in sys.path)
    module = sys.modules.get("app")
    assert module is None or getattr(module, "__file__", "") == str(REPO_ROOT / "app.py")
    assert not (REPO_ROOT / "chalice.out").exists()
