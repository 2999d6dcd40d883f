"""The stack starts, is healthy, and stops cleanly: no port left open, exit code 0."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import requests

from admin.address_rows import FIELDS
from devstack.seed import generate
from tests.e2e.conftest import ROOT, Devstack, free_port, port_open, scaled, start_devstack


def test_stack_starts_healthy_and_stops_cleanly(tmp_path: Path) -> None:
    stack = start_devstack(tmp_path, "--no-seed")
    try:
        resp = requests.get(f"{stack.api}/health", timeout=10)
        assert resp.status_code == 200, resp.text
        assert {c: v["status"] for c, v in resp.json()["components"].items()} == {
            "dynamodb": "ok",
            "stepfunctions": "ok",
            "mqtt": "ok",
        }
        printed = "".join(stack.output)
        assert "Try it" in printed and "curl" in printed
        assert (tmp_path / "stack.json").exists()
    finally:
        code = stack.stop()
    assert code == 0, "".join(stack.output[-30:])
    for port in (stack.api_port, stack.moto_port, stack.mqtt_port):
        assert not port_open(port), f"port {port} still open after stop"
    assert not (tmp_path / "stack.json").exists()


def _admin(stack: Devstack, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "admin", *args, "--state-dir", str(stack.state_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=scaled(180),
    )  # fmt: skip


def _call(stack: Devstack, token: str) -> requests.Response:
    return requests.post(f"{stack.api}/calls", json={"qr_token": token}, timeout=30)


def test_a_restart_starts_fresh_so_a_plate_revoked_before_it_stays_refused(tmp_path: Path) -> None:
    # Given a stack where a doorplate was printed and then revoked
    address = generate(addresses=5).addresses[0]
    first = start_devstack(tmp_path, "--addresses", "5", "--volunteers", "5")
    try:
        admin = first.token("admin")
        plate = requests.post(f"{first.api}/addresses/{address.code}/qr", headers=admin, timeout=30).json()
        revoke = {"reason": "sticker stolen"}
        resp = requests.post(f"{first.api}/addresses/{address.code}/qr/revoke", json=revoke, headers=admin, timeout=30)
        assert resp.status_code == 200, resp.text
        assert _call(first, plate["token"]).json()["error"]["code"] == "qr_revoked"
    finally:
        assert first.stop() == 0

    # When the stack is stopped and started again from the same state folder (on other ports)
    second = start_devstack(tmp_path, "--no-seed")
    try:
        # Then the revoked plate is still refused, and so is the last run's bearer token: nothing is half-remembered
        refused = _call(second, plate["token"])
        # (the new key ring signs with a new secret: the old plate's signature no longer matches)
        assert refused.status_code == 401, refused.text
        assert refused.json()["error"]["code"] in {"qr_invalid_signature", "qr_key_expired"}
        assert requests.get(f"{second.api}/me", headers=admin, timeout=30).status_code == 401

        # And the operator tools find this run's ports in its state folder: an import, then a sheet
        registry = tmp_path / "registry.csv"
        with registry.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(FIELDS)
            for a in generate(addresses=5).addresses:
                row = a.model_dump(mode="json")
                writer.writerow(["" if row[k] is None else row[k] for k in FIELDS])
        imported = _admin(second, "import-addresses", str(registry), "--devstack", "--progress", "plain")
        assert imported.returncode == 0, imported.stderr
        admin = second.token("admin")
        assert requests.get(f"{second.api}/addresses/{address.code}", headers=admin, timeout=30).status_code == 200
        sheet = _admin(second, "print-sheet", "--devstack", "--community", address.community, "--county",
                       address.county, "--out", str(tmp_path / "sheet.svg"))  # fmt: skip
        assert sheet.returncode == 0, sheet.stderr
        trail = requests.get(f"{second.api}/audit", params={"subject": f"qr-sheet#{address.community}"},
                             headers=admin, timeout=30)  # fmt: skip
        assert trail.status_code == 200 and trail.json()["events"], trail.text

        # And a plate printed in this run calls an ambulance
        fresh = requests.post(f"{second.api}/addresses/{address.code}/qr", headers=admin, timeout=30).json()
        assert _call(second, fresh["token"]).status_code == 201
    finally:
        assert second.stop() == 0


def test_a_second_stack_on_the_same_state_folder_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    first = start_devstack(tmp_path, "--no-seed")
    try:
        # When another `up` starts from the same folder
        other = subprocess.run(
            [sys.executable, "-m", "devstack", "up", "--state-dir", str(tmp_path), "--no-seed",
             "--api-port", str(free_port()), "--moto-port", str(free_port()), "--mqtt-port", str(free_port()),
             "--his-port", str(free_port())],
            cwd=ROOT, capture_output=True, text=True, timeout=scaled(120),
        )  # fmt: skip
        # Then it says so and leaves the running stack's keys alone
        assert other.returncode == 2 and "already runs" in other.stderr, other.stderr[-2000:]
        assert requests.get(f"{first.api}/me", headers=first.token("admin"), timeout=30).status_code == 200
    finally:
        assert first.stop() == 0
