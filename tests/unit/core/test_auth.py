"""Token validation and role/scope rules (JWKS from a file: the devstack's key)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from chalicelib.core import auth, root
from chalicelib.core.errors import Forbidden, Unauthorized
from devstack import tokens


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("EMS_JWKS_FILE", str(tokens.ensure_keys(tmp_path)))
    monkeypatch.setenv("EMS_JWT_ISSUER", tokens.ISSUER)
    monkeypatch.setenv("EMS_JWT_AUDIENCE", tokens.AUDIENCE)
    root.reset()
    yield tmp_path
    root.reset()


def _bearer(token: str) -> str:
    return f"Bearer {token}"


def test_valid_token_gives_principal(keys: Path) -> None:
    p = auth.authenticate(_bearer(tokens.issue(keys, "crew", "unit:ZZ-A01")))
    assert p.role == auth.Role.CREW and p.scope_ids("unit") == {"ZZ-A01"}


def test_token_from_another_key_is_rejected(keys: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    other = tmp_path_factory.mktemp("other")
    tokens.ensure_keys(other)
    forged = tokens.issue(other, "admin")  # same kid, different key
    with pytest.raises(Unauthorized) as err:
        auth.authenticate(_bearer(forged))
    assert err.value.code == "invalid_token"


def test_wrong_audience_and_issuer_are_rejected(keys: Path) -> None:
    key = (keys / "signing-key.pem").read_bytes()
    for claims in ({"aud": "other", "iss": tokens.ISSUER}, {"aud": tokens.AUDIENCE, "iss": "evil"}):
        token = jwt.encode(
            {"sub": "x", "iat": 1, "exp": 4102444800, "cognito:groups": ["admin"], **claims},
            key,
            algorithm="RS256",
            headers={"kid": tokens.KID},
        )
        with pytest.raises(Unauthorized):
            auth.authenticate(_bearer(token))


def test_unsigned_token_is_rejected(keys: Path) -> None:
    token = jwt.encode({"sub": "x", "cognito:groups": ["admin"]}, key=None, algorithm="none")
    with pytest.raises(Unauthorized):
        auth.authenticate(_bearer(token))


def test_access_tokens_are_refused(keys: Path) -> None:
    key = (keys / "signing-key.pem").read_bytes()
    claims = {
        "sub": "x",
        "iat": 1,
        "exp": 4102444800,
        "aud": tokens.AUDIENCE,
        "iss": tokens.ISSUER,
        "token_use": "access",
        "cognito:groups": ["admin"],
    }
    with pytest.raises(Unauthorized):
        auth.authenticate(_bearer(jwt.encode(claims, key, algorithm="RS256", headers={"kid": tokens.KID})))


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"cognito:groups": []}, "role_denied"),
        ({"cognito:groups": ["admin", "crew"]}, "role_denied"),
        ({"cognito:groups": ["superuser"]}, "role_denied"),
        ({"cognito:groups": ["crew"], "custom:scope": "county:350602"}, "scope_denied"),
        ({"cognito:groups": ["hospital"], "custom:scope": "unit:1"}, "scope_denied"),
    ],
)
def test_claims_that_do_not_fit_are_forbidden(claims: dict[str, object], code: str) -> None:
    with pytest.raises(Forbidden) as err:
        auth.principal_from_claims({"sub": "x", **claims})
    assert err.value.code == code


def test_scopes() -> None:
    city = auth.principal_from_claims({"sub": "d", "cognito:groups": ["dispatcher"]})
    county = auth.principal_from_claims({"sub": "d", "cognito:groups": ["dispatcher"], "custom:scope": "county:350602"})
    crew = auth.principal_from_claims({"sub": "c", "cognito:groups": ["crew"], "custom:scope": "unit:A1"})
    city.require_scope("county", "350681")  # no scope: the whole city
    county.require_scope("county", "350602")
    crew.require_scope("unit", "A1")
    with pytest.raises(Forbidden):
        county.require_scope("county", "350681")
    with pytest.raises(Forbidden):
        crew.require_scope("unit", "A2")
    with pytest.raises(Forbidden):
        crew.require_scope("county", "350602")


def test_devstack_refuses_to_issue_a_scope_that_does_not_fit(tmp_path: Path) -> None:
    tokens.ensure_keys(tmp_path)
    with pytest.raises(ValueError, match="does not fit"):
        tokens.issue(tmp_path, "crew", "hospital:H1")
