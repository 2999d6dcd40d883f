"""Doorplate admin API over chalice.test.Client: issue, SVG, revoke (address and key)."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from chalicelib.addresses.schemas import AddressStatus
from chalicelib.core import root
from chalicelib.qr import tokens, wiring
from chalicelib.qr.errors import QrRevoked
from chalicelib.qr.keys import MIN_KEY_BYTES
from chalicelib.qr.verifier import Verifier
from tests.integration.addresses.test_addresses_api import ADDRESS, save
from tests.integration.conftest import Env

CODE = ADDRESS.code
SVG_TEXT = "{http://www.w3.org/2000/svg}text"


def post(client: Any, path: str, headers: dict[str, str], body: object = None) -> Any:
    data = None if body is None else json.dumps(body)
    return client.http.post(path, headers={**headers, "Content-Type": "application/json"}, body=data)


def error_code(resp: Any) -> str:
    return str(json.loads(resp.body)["error"]["code"])


@pytest.fixture
def keys(aws_env: Env, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An old key k0 still in the ring and a current key k1."""

    path = aws_env.state_dir / "qr-keys-rotated.json"
    keys = {kid: base64.b64encode(kid.encode() * MIN_KEY_BYTES).decode() for kid in ("k0", "k1")}
    path.write_text(json.dumps({"current": "k1", "keys": keys}))
    monkeypatch.setenv("EMS_QR_KEYS_FILE", str(path))
    root.reset()
    return path


def test_issue_returns_a_token_that_locates_the_door_without_a_read(client: Any, aws_env: Env) -> None:
    save(ADDRESS)
    resp = post(client, f"/v1/addresses/{CODE}/qr", aws_env.token("admin"))
    assert resp.status_code == 200, resp.body
    body = json.loads(resp.body)
    assert body["url"] == f"http://127.0.0.1:8000/q/{body['token']}"
    claims = wiring.get_verifier().verify(body["token"])
    assert (claims.address_code, claims.lat, claims.lon, claims.text_zh) == (
        CODE,
        24.512345,
        117.654321,
        ADDRESS.text_zh,
    )
    assert (claims.kid, claims.issued_at) == (body["kid"], body["issued_at"])
    audit = client.http.get(f"/v1/audit?subject=address%23{CODE}", headers=aws_env.token("admin"))
    assert "qr.issue" in [e["action"] for e in json.loads(audit.body)["events"]]


def test_svg_doorplate_is_served_as_svg(client: Any, aws_env: Env) -> None:
    save(ADDRESS)
    resp = client.http.get(f"/v1/addresses/{CODE}/qr.svg", headers=aws_env.token("admin"))
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("image/svg+xml")
    texts = [t.text for t in ET.fromstring(resp.body).iter(SVG_TEXT)]  # noqa: S314 - our own output
    assert CODE in texts


@pytest.mark.parametrize("path", [f"/v1/addresses/{CODE}/qr", f"/v1/addresses/{CODE}/qr.svg"])
def test_retired_address_gets_no_plate(client: Any, aws_env: Env, path: str) -> None:
    save(ADDRESS.model_copy(update={"status": AddressStatus.RETIRED}))
    method = client.http.post if path.endswith("/qr") else client.http.get
    resp = method(path, headers=aws_env.token("admin"))
    assert resp.status_code == 409 and error_code(resp) == "address_retired"


@pytest.mark.parametrize(
    ("role", "code", "status"), [(None, CODE, 401), ("dispatcher", CODE, 403), ("admin", "ZA-NOPE", 404)]
)
def test_issue_refusals(client: Any, aws_env: Env, role: str | None, code: str, status: int) -> None:
    save(ADDRESS)
    resp = post(client, f"/v1/addresses/{code}/qr", aws_env.token(role) if role else {})
    assert resp.status_code == status


def test_address_revocation_is_effective_after_the_cache_refresh(client: Any, aws_env: Env) -> None:
    # Given a printed plate and a warm verifier whose clock the test drives
    save(ADDRESS)
    admin = aws_env.token("admin")
    issued = json.loads(post(client, f"/v1/addresses/{CODE}/qr", admin).body)
    old, now = issued["token"], [float(issued["issued_at"])]
    verifier = Verifier(wiring.get_key_ring(), wiring.get_revocation_store(), clock=lambda: now[0])
    assert verifier.verify(old).address_code == CODE
    # When an admin revokes the address's plates
    resp = post(client, f"/v1/addresses/{CODE}/qr/revoke", admin, {"reason": "plate stolen"})
    assert resp.status_code == 200 and json.loads(resp.body)["subject"] == f"address#{CODE}"
    # Then the warm verifier accepts the old plate until its 60 s refresh, and refuses it after
    assert verifier.verify(old).address_code == CODE
    now[0] += 60
    with pytest.raises(QrRevoked):
        verifier.verify(old)
    # And a plate reprinted right away works
    new = json.loads(post(client, f"/v1/addresses/{CODE}/qr", admin).body)["token"]
    assert verifier.verify(new).address_code == CODE
    audit = client.http.get(f"/v1/audit?subject=address%23{CODE}", headers=admin)
    assert "qr.revoke" in [e["action"] for e in json.loads(audit.body)["events"]]


def test_revoke_needs_a_reason_and_a_known_address(client: Any, aws_env: Env) -> None:
    save(ADDRESS)
    admin = aws_env.token("admin")
    assert post(client, f"/v1/addresses/{CODE}/qr/revoke", admin, {}).status_code == 422
    resp = post(client, "/v1/addresses/ZA-NOPE/qr/revoke", admin, {"reason": "typo"})
    assert resp.status_code == 404 and error_code(resp) == "address_not_found"


def test_key_revocation(client: Any, aws_env: Env, keys: Path) -> None:
    save(ADDRESS)
    admin = aws_env.token("admin")
    current = json.loads(post(client, f"/v1/addresses/{CODE}/qr", admin).body)["token"]
    claims = wiring.get_verifier().verify(current)
    old = tokens.sign(claims.model_copy(update={"kid": "k0"}), wiring.get_key_ring())
    assert wiring.get_verifier().verify(old).kid == "k0"
    # The current key cannot be revoked (rotate first); unknown keys are 404
    resp = post(client, "/v1/qr-keys/k1/revoke", admin, {"reason": "leaked"})
    assert resp.status_code == 409 and error_code(resp) == "qr_key_current"
    resp = post(client, "/v1/qr-keys/k9/revoke", admin, {"reason": "leaked"})
    assert resp.status_code == 404 and error_code(resp) == "qr_key_not_found"
    assert post(client, "/v1/qr-keys/k0/revoke", aws_env.token("dispatcher"), {"reason": "x" * 3}).status_code == 403
    # When the old key is revoked, its plates are refused once a verifier refreshes; current ones work
    assert post(client, "/v1/qr-keys/k0/revoke", admin, {"reason": "leaked"}).status_code == 200
    fresh = Verifier(wiring.get_key_ring(), wiring.get_revocation_store())
    with pytest.raises(QrRevoked):
        fresh.verify(old)
    assert fresh.verify(current).kid == "k1"
