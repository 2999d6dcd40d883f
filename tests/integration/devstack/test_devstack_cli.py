"""The devstack and admin command lines as a person uses them: piped into `head`, and pointed at
the running stack's ports (its `stack.json`) rather than the default ones."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from admin import print_sheet
from admin.__main__ import main as admin_main

ROOT = Path(__file__).resolve().parents[3]


def test_fixtures_piped_into_head_ends_without_a_traceback() -> None:
    # When a reader stops after a few lines of a long output, as `| head -n 3` does
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstack", "fixtures"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    first = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()
    err = proc.stderr.read()
    # Then the lines were there, and it ends quietly
    assert first[:2] == ["{\n", '  "counties": [\n']
    assert proc.wait(timeout=120) == 0
    assert err == ""


def _running_stack(state_dir: Path) -> dict[str, object]:
    stack = {
        "api": "http://127.0.0.1:18999/v1",
        "moto": "http://127.0.0.1:15999",
        "region": "cn-northwest-1",
        "table_prefix": "ems-local-",
        "pid": os.getpid(),  # a live process: this one
    }
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "stack.json").write_text(json.dumps(stack), encoding="utf-8")
    return stack


def test_print_sheet_for_the_devstack_uses_the_running_stacks_ports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a stack running on other than the default ports
    for name in ("EMS_AWS_ENDPOINT_URL", "EMS_PUBLIC_BASE_URL", "EMS_QR_KEYS_FILE", "EMS_TABLE_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    _running_stack(tmp_path)
    args = argparse.Namespace(
        devstack=True, state_dir=tmp_path, endpoint_url=None, table_prefix=None, keys_file=None, keys_secret=None,
        base_url=None,
    )  # fmt: skip

    # When print-sheet configures itself for the devstack
    print_sheet._configure(args)

    # Then it talks to that stack's moto and prints its call page origin on the plates
    assert os.environ["EMS_AWS_ENDPOINT_URL"] == "http://127.0.0.1:15999"
    assert os.environ["EMS_PUBLIC_BASE_URL"] == "http://127.0.0.1:18999"
    assert os.environ["EMS_QR_KEYS_FILE"] == str((tmp_path / "qr-keys.json").resolve())


def test_print_sheet_without_a_running_stack_falls_back_to_the_default_ports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("EMS_AWS_ENDPOINT_URL", "EMS_PUBLIC_BASE_URL", "EMS_DEVSTACK_MOTO_PORT", "EMS_DEVSTACK_API_PORT"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "stack.json").write_text(json.dumps({"moto": "http://127.0.0.1:1", "pid": 0}), encoding="utf-8")
    args = argparse.Namespace(
        devstack=True, state_dir=tmp_path, endpoint_url=None, table_prefix=None, keys_file=None, keys_secret=None,
        base_url=None,
    )  # fmt: skip
    print_sheet._configure(args)
    assert os.environ["EMS_AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"  # a dead stack's file is ignored


def test_import_addresses_into_the_devstack_needs_a_running_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text("code\n", encoding="utf-8")
    code = admin_main(["import-addresses", str(registry), "--devstack", "--state-dir", str(tmp_path / "none")])
    assert code == 2
    assert "no local stack is running" in capsys.readouterr().err
