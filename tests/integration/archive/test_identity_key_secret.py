"""In AWS the archive's identity key comes from Secrets Manager, as CDK generates it."""

from __future__ import annotations

import json
from typing import Any

import pytest


def test_the_identity_key_is_read_from_its_secret_once(aws_env: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.archive import wiring
    from chalicelib.core import root
    from chalicelib.core.aws import client
    from chalicelib.core.errors import ServiceUnavailable

    arn = client("secretsmanager").create_secret(
        Name="ems-test-identity-key", SecretString=json.dumps({"key": "k" * 64})
    )["ARN"]
    monkeypatch.delenv("EMS_IDENTITY_KEY", raising=False)
    monkeypatch.setenv("EMS_IDENTITY_KEY_SECRET", arn)
    root.reset()
    try:
        assert wiring.identity_key() == b"k" * 64
        monkeypatch.setenv("EMS_IDENTITY_KEY_SECRET", "no-such-secret")
        root.reset()
        with pytest.raises(ServiceUnavailable):
            wiring.identity_key()
    finally:
        root.reset()
