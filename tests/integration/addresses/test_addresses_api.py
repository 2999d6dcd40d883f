"""Admin API of the address registry: read one address."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.addresses.dal import AddressRecord, address_record
from chalicelib.addresses.schemas import Address, AddressStatus
from chalicelib.core.tables import bound
from tests.integration.conftest import Env

ADDRESS = Address(
    code="ZA00000000000A1",
    county="350602",
    township="西桥街道",
    community="新华社区",
    road="胜利东路",
    number="12",
    building="3",
    unit="2",
    floor=12,
    room="1203",
    text_zh="漳州市芗城区西桥街道新华社区胜利东路12号3幢2单元1203室",
    text_en="Room 1203, Unit 2, Building 3, No. 12 Shengli Road East, Xinhua Community, Zhangzhou",
    lat=24.512345,
    lon=117.654321,
)


def save(address: Address) -> None:
    bound(AddressRecord)  # bind the model before building an item of it
    address_record(address).save()


def test_admin_reads_one_address(client: Any, aws_env: Env) -> None:
    # Given a stored address
    save(ADDRESS)
    # When an admin asks for it by code
    resp = client.http.get(f"/v1/addresses/{ADDRESS.code}", headers=aws_env.token("admin"))
    # Then every registry field comes back
    assert resp.status_code == 200, resp.body
    assert Address.model_validate(json.loads(resp.body)) == ADDRESS


def test_retired_address_stays_readable(client: Any, aws_env: Env) -> None:
    save(ADDRESS.model_copy(update={"status": AddressStatus.RETIRED}))
    resp = client.http.get(f"/v1/addresses/{ADDRESS.code}", headers=aws_env.token("admin"))
    assert resp.status_code == 200 and json.loads(resp.body)["status"] == "retired"


def test_unknown_address_is_404(client: Any, aws_env: Env) -> None:
    resp = client.http.get("/v1/addresses/ZA-NOPE", headers=aws_env.token("admin"))
    assert resp.status_code == 404
    assert json.loads(resp.body)["error"]["code"] == "address_not_found"


def test_no_token_is_401(client: Any) -> None:
    resp = client.http.get(f"/v1/addresses/{ADDRESS.code}")
    assert resp.status_code == 401


@pytest.mark.parametrize("role", ["dispatcher", "crew", "caller"])
def test_other_roles_are_403(client: Any, aws_env: Env, role: str) -> None:
    save(ADDRESS)
    resp = client.http.get(f"/v1/addresses/{ADDRESS.code}", headers=aws_env.token(role))
    assert resp.status_code == 403
    assert json.loads(resp.body)["error"]["code"] == "role_denied"
