"""QR key ring from AWS Secrets Manager (moto): read, rotate, retire."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.core import root
from chalicelib.core.aws import client as aws_client
from chalicelib.qr import tokens, wiring
from chalicelib.qr.errors import QrKeyExpired
from chalicelib.qr.keys import SecretsManagerKeyRing, new_ring_json, parse_ring, secret_fetcher
from chalicelib.qr.revocations import RevocationSet
from chalicelib.qr.schemas import QrClaims
from tests.integration.addresses.test_addresses_api import ADDRESS, save
from tests.integration.conftest import PREFIX, Env

# The stack names it `<prefix>qr-keys` (infrastructure/constructs/intake.py).
SECRET = f"{PREFIX}qr-keys"
CLAIMS = QrClaims(address_code="ZA1", county="350602", lat=24.5, lon=117.6, text_zh="门", kid="k1", issued_at=0)


@pytest.fixture
def secret(aws_env: Env, monkeypatch: pytest.MonkeyPatch) -> str:
    first = json.loads(new_ring_json("k1"))
    aws_client("secretsmanager").create_secret(Name=SECRET, SecretString=json.dumps(first))
    monkeypatch.setenv("EMS_QR_KEYS_SECRET", SECRET)
    root.reset()
    return str(first["keys"]["k1"])


def put(doc: dict[str, Any]) -> None:
    aws_client("secretsmanager").put_secret_value(SecretId=SECRET, SecretString=json.dumps(doc))


def test_app_signs_with_the_secret_when_configured(client: Any, aws_env: Env, secret: str) -> None:
    save(ADDRESS)
    resp = client.http.post(f"/v1/addresses/{ADDRESS.code}/qr", headers=aws_env.token("admin"))
    assert resp.status_code == 200, resp.body
    assert isinstance(wiring.get_key_ring(), SecretsManagerKeyRing)
    assert wiring.get_verifier().verify(json.loads(resp.body)["token"]).kid == "k1"


def test_rotation_then_retirement(aws_env: Env, secret: str) -> None:
    now = [0.0]
    ring = SecretsManagerKeyRing(secret_fetcher(SECRET), clock=lambda: now[0])
    old = tokens.sign(CLAIMS.model_copy(update={"kid": "k1"}), ring)
    # Rotation: k2 becomes current once the 5-minute cache expires; k1 plates keep working
    k2 = json.loads(new_ring_json("k2"))["keys"]["k2"]
    put({"current": "k2", "keys": {"k1": secret, "k2": k2}})
    assert ring.current_kid == "k1"
    now[0] = 300
    assert ring.current_kid == "k2"
    assert tokens.verify(old, ring, RevocationSet(), CLAIMS.issued_at).kid == "k1"
    # Retirement: k1 removed from the secret, its plates are expired after the next load
    put({"current": "k2", "keys": {"k2": k2}})
    now[0] = 600
    with pytest.raises(QrKeyExpired):
        tokens.verify(old, ring, RevocationSet(), CLAIMS.issued_at)


def test_missing_secret_is_503_not_a_crash(client: Any, aws_env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    save(ADDRESS)
    monkeypatch.setenv("EMS_QR_KEYS_SECRET", SECRET)  # configured, but never created
    root.reset()
    resp = client.http.post(f"/v1/addresses/{ADDRESS.code}/qr", headers=aws_env.token("admin"))
    assert resp.status_code == 503
    assert json.loads(resp.body)["error"]["code"] == "qr_keys_unavailable"


def test_the_secret_holds_the_documented_format(aws_env: Env, secret: str) -> None:
    text = aws_client("secretsmanager").get_secret_value(SecretId=SECRET)["SecretString"]
    assert parse_ring(text).current_kid == "k1"
