"""Local QR signing keys: one random HMAC key in the state folder, the same JSON document
the app reads from Secrets Manager in AWS. Made anew by every `up` (devstack/state.py): the
revocations of the last run are gone with moto's memory, so its plates must go too."""

from __future__ import annotations

from pathlib import Path

from chalicelib.qr.keys import new_ring_json

FILE_NAME = "qr-keys.json"


def key_file(state_dir: Path) -> Path:
    return (state_dir / FILE_NAME).resolve()


def ensure_qr_keys(state_dir: Path) -> Path:
    path = key_file(state_dir)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(new_ring_json(), encoding="utf-8")
    return path
