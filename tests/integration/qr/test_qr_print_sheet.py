"""`python -m admin print-sheet` against moto: one SVG with every active plate of the selection."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from admin.__main__ import main
from chalicelib.addresses.schemas import Address, AddressStatus
from tests.integration.addresses.test_addresses_api import ADDRESS, save
from tests.integration.conftest import Env

SVG = "{http://www.w3.org/2000/svg}"


def door(n: int, **changes: Any) -> Address:
    room = f"{n // 4 + 1}{n % 4 + 1:02d}"
    return ADDRESS.model_copy(
        update={
            "code": f"ZA{n:013d}",
            "floor": n // 4 + 1,
            "room": room,
            "text_zh": f"胜利东路12号3幢{room}室",
            **changes,
        }
    )


@pytest.fixture
def doors(aws_env: Env) -> list[Address]:
    # 11 doors of one building (one retired), a house on the same road, and a door elsewhere.
    building = [door(n) for n in range(11)] + [door(11, status=AddressStatus.RETIRED)]
    house = door(20, number="14", building=None, unit=None, floor=None, room=None, text_zh="胜利东路14号")
    elsewhere = door(30, community="田园社区", road="新华西路", text_zh="新华西路1号")
    for a in [*building, house, elsewhere]:
        save(a)
    return [*building[:11], house]


def plates(path: Path) -> tuple[list[str | None], list[str]]:
    root = ET.parse(path).getroot()  # noqa: S314 - our own output
    codes = [g.get("data-code") for g in root.iter(f"{SVG}g") if g.get("class") == "plate"]
    return codes, [t.text or "" for t in root.iter(f"{SVG}text")]


def test_community_sheet_has_every_active_door_in_stairwell_order(
    aws_env: Env, doors: list[Address], tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "plates.svg"
    assert main(["print-sheet", "--community", "新华社区", "--out", str(out)]) == 0
    codes, texts = plates(out)
    # 12 active doors (11 flats then the house on No. 14), never the retired one, on 2 A4 pages
    assert codes == [a.code for a in doors]
    assert all(a.text_zh in texts for a in doors)
    assert "12 doorplates on 2 A4 page(s)" in capsys.readouterr().out
    assert ET.parse(out).getroot().get("height") == "594mm"  # noqa: S314 - our own output


def test_building_selection_and_audit(client: Any, aws_env: Env, doors: list[Address], tmp_path: Path) -> None:
    out = tmp_path / "b.svg"
    assert main(["print-sheet", "--building", "胜利东路+14", "新华西路+12+3", "--out", str(out)]) == 0
    codes, _ = plates(out)
    # the house on No. 14 and the door of building 3 at 新华西路12号 (another community)
    assert sorted(codes) == sorted([doors[-1].code, door(30).code])
    audit = client.http.get(
        "/v1/audit?subject=qr-sheet%23胜利东路%2B14%20/%20新华西路%2B12%2B3", headers=aws_env.token("admin")
    )
    assert [e["action"] for e in json.loads(audit.body)["events"]][-1] == "qr.print-sheet"


def test_nothing_matched_writes_nothing(aws_env: Env, doors: list[Address], tmp_path: Path) -> None:
    out = tmp_path / "none.svg"
    assert main(["print-sheet", "--community", "没有社区", "--out", str(out)]) == 1
    assert not out.exists()


def test_building_must_name_road_and_number(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["print-sheet", "--building", "胜利东路", "--out", str(tmp_path / "x.svg")])
