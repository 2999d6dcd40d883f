"""Flood control on `POST /v1/calls`: a token's signature is checked before anything is counted,
so forged tokens spend a budget of their own and never a genuine doorplate's."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.integration.incidents.test_calls_api import _post, door  # noqa: F401 (the door fixture)


def _forged(token: str, n: int) -> str:
    """The genuine plate's payload (same door, same first characters) with a made-up signature."""
    payload = token.split(".")[0]
    signature = base64.urlsafe_b64encode(bytes([n % 256]) * 32).rstrip(b"=").decode()
    return f"{payload}.{signature}"


def _code(resp: Any) -> str | None:
    return json.loads(resp.body).get("error", {}).get("code") if resp.status_code >= 400 else None


def test_forged_scans_do_not_use_up_a_genuine_doorplates_budget(client: Any, door: dict[str, Any]) -> None:  # noqa: F811
    # Given a forger flooding with tokens that copy a genuine plate's payload, from the caller's own network
    forged = [_post(client, {"qr_token": _forged(door["token"], i)}) for i in range(25)]

    # Then they are refused for their signature, and past their own budget throttled
    codes = [_code(r) for r in forged]
    assert codes[:20] == ["qr_invalid_signature"] * 20
    assert set(codes[20:]) == {"rate_limited"} and {r.status_code for r in forged[20:]} == {429}

    # And the genuine plate still calls an ambulance, with all of its budget
    genuine = [_post(client, {"qr_token": door["token"]}) for _ in range(10)]
    assert [r.status_code for r in genuine] == [201] * 10
    assert len({json.loads(r.body)["incident_id"] for r in genuine}) == 1  # one incident, every call kept


def test_genuine_scans_of_one_door_are_still_throttled_per_client(client: Any, door: dict[str, Any]) -> None:  # noqa: F811
    # When one client scans the same genuine plate more often than any household would
    codes = [_post(client, {"qr_token": door["token"]}).status_code for _ in range(11)]

    # Then the eleventh is throttled
    assert codes == [201] * 10 + [429]
