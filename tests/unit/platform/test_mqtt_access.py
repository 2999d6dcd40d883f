"""The IoT custom authorizer of people's apps: the API's sign-in, a policy of the app's own topics only."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.auth import Principal, Role
from chalicelib.core.root import reset
from chalicelib.platform.mqtt_access import authorize, principal_id, topics_for
from devstack import tokens

ARN = "arn:aws-cn:iot:cn-northwest-1:123456789012"


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("EMS_JWKS_FILE", str(tokens.ensure_keys(tmp_path)))
    monkeypatch.setenv("EMS_JWT_ISSUER", tokens.ISSUER)
    monkeypatch.setenv("EMS_JWT_AUDIENCE", tokens.AUDIENCE)
    reset()
    yield tmp_path
    reset()


def connect(token: str, client_id: str = "app-1") -> dict[str, Any]:
    password = base64.b64encode(token.encode()).decode()
    event = {"protocols": ["mqtt"], "protocolData": {"mqtt": {"username": "u", "password": password,
                                                              "clientId": client_id}}}  # fmt: skip
    return authorize(event, ARN)


def who(role: Role, *scopes: str) -> Principal:
    return Principal(subject="s", role=role, scopes=list(scopes))


def test_each_role_receives_its_own_topics_only() -> None:
    assert topics_for(who(Role.VOLUNTEER, "volunteer:V1")) == ["ems/volunteers/V1/alerts"]
    assert topics_for(who(Role.CREW, "unit:AMB01")) == ["ems/units/AMB01/dispatch", "ems/units/AMB01/alerts"]
    assert topics_for(who(Role.DISPATCHER, "county:350602")) == ["ems/dispatch/350602/#"]
    assert topics_for(who(Role.DISPATCHER)) == ["ems/dispatch/#"]  # city-wide
    assert topics_for(who(Role.HOSPITAL, "hospital:HOS01")) == [
        "ems/hospitals/HOS01/inbound",
        "ems/hospitals/HOS01/alerts",
    ]
    for role, scope in ((Role.CALLER, "call:C1"), (Role.RESPONDER, "agency:fire"), (Role.ADMIN, "city")):
        assert topics_for(who(role, scope)) == []


def test_a_volunteer_connects_with_their_sign_in(keys: Path) -> None:
    answer = connect(tokens.issue(keys, "volunteer", "volunteer:V1", subject="vol-1"), "vol-1-phone")
    assert answer["isAuthenticated"] is True and answer["principalId"] == "vol1"
    assert 60 <= answer["disconnectAfterInSeconds"] <= 8 * 3600 and answer["refreshAfterInSeconds"] == 300
    (statements,) = [d["Statement"] for d in answer["policyDocuments"]]
    assert statements == [
        {"Effect": "Allow", "Action": "iot:Connect", "Resource": f"{ARN}:client/vol-1-phone"},
        {"Effect": "Allow", "Action": "iot:Subscribe", "Resource": [f"{ARN}:topicfilter/ems/volunteers/V1/alerts"]},
        {"Effect": "Allow", "Action": "iot:Receive", "Resource": [f"{ARN}:topic/ems/volunteers/V1/alerts"]},
    ]
    assert not any(s["Action"] == "iot:Publish" for s in statements)


def test_a_county_desk_receives_every_topic_of_its_county(keys: Path) -> None:
    answer = connect(tokens.issue(keys, "dispatcher", "county:350602"))
    statements = answer["policyDocuments"][0]["Statement"]
    assert statements[2]["Resource"] == [f"{ARN}:topic/ems/dispatch/350602/*"]


def test_bad_or_expired_sign_ins_and_odd_client_ids_are_refused(keys: Path, tmp_path_factory: Any) -> None:
    good = tokens.issue(keys, "crew", "unit:AMB01")
    assert connect(tokens.issue(keys, "crew", "unit:AMB01", ttl_s=-120))["isAuthenticated"] is False
    other = tmp_path_factory.mktemp("other")
    tokens.ensure_keys(other)  # a key the platform does not know
    assert connect(tokens.issue(other, "crew", "unit:AMB01"))["isAuthenticated"] is False
    assert connect("not-a-token")["isAuthenticated"] is False
    assert connect(good, client_id="a/b#")["isAuthenticated"] is False
    assert connect(good, client_id="")["isAuthenticated"] is False
    bad_base64 = {"protocolData": {"mqtt": {"password": "%%%", "clientId": "x"}}}
    assert authorize(bad_base64, ARN)["isAuthenticated"] is False
    assert authorize({}, ARN)["isAuthenticated"] is False


def test_principal_ids_are_letters_and_digits() -> None:
    assert principal_id("3f2a-9c:x") == "3f2a9cx" and principal_id("::") == "anonymous"
